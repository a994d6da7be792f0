"""Ready-made phrase sets for the Playground."""

from __future__ import annotations

#: The three phrases of the article, in its order.
ARTICLE_PHRASES = [
    "Dear sir, I regret to inform you that we have to cancel your appointment.",
    "lessgo we are so back guys wgmi",
    "Hey sorry can't make it tonight, something came up",
]

#: Phrases from three topics that share few words: the real model groups them.
TOPIC_PHRASES = [
    "a cat sleeping on the sofa",
    "the dog barked at the mailman",
    "a parrot repeating words",
    "horses grazing in a field",
    "a red sports car on the highway",
    "the train was delayed again",
    "riding a bicycle to work",
    "a cargo ship leaving the harbour",
    "fresh bread from the bakery",
    "a bowl of spicy ramen",
    "chocolate cake for dessert",
    "grilled salmon with lemon",
]

#: name -> (button label, phrases, model to show them with)
PRESETS = {
    "article": ("The article's example", ARTICLE_PHRASES, "toy"),
    "topics": ("Animals, vehicles, food", TOPIC_PHRASES, "minilm"),
}
