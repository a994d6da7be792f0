"""Ready-made phrase sets: the Playground's, and the axes page's poles with example phrases."""

from __future__ import annotations

from dataclasses import dataclass

#: The three phrases of the article, in its order.
ARTICLE_PHRASES = [
    "Dear sir, I regret to inform you that we have to cancel your appointment.",
    "lessgo we are so back guys wgmi",
    "Hey sorry can't make it tonight, something came up",
]
#: The article's phrase 3 written out formally: same content, another register.
FORMAL_REWRITE = "Hello, I am sorry, but I cannot attend tonight: something has come up."

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


@dataclass(frozen=True)
class AxesPreset:
    """Ready-made poles for both axes, with example phrases that spread along them.

    Attributes:
        label: what the preset selector shows.
        x_names, y_names: short names of each axis's (first, second) pole.
        x_poles, y_poles: (first pole phrases, second pole phrases).
        phrases: example phrases to place on these axes.
        toy_axes: whether these are the article's axes, which the trained toy
            model also has (x: casual → formal, y: negative → positive).
    """

    label: str
    x_names: tuple[str, str]
    x_poles: tuple[tuple[str, ...], tuple[str, ...]]
    y_names: tuple[str, str]
    y_poles: tuple[tuple[str, ...], tuple[str, ...]]
    phrases: tuple[str, ...]
    toy_axes: bool = False


# Each pole's phrases differ from the other pole's in the axis's quality only:
# the formality poles mix moods, the sentiment poles mix registers, so neither
# axis picks up the other.
AXES_PRESETS: dict[str, AxesPreset] = {
    "article": AxesPreset(
        label="The article's axes: casual ↔ formal, negative ↔ positive",
        x_names=("casual", "formal"),
        x_poles=(
            (
                "hey what's up",
                "lol that's so funny",
                "gonna grab food, u coming?",
                "nah i'm good thx",
                "ugh my phone died again",
                "omg no way dude",
            ),
            (
                "Dear Sir or Madam, I am writing to inform you of a change.",
                "We hereby acknowledge receipt of your application.",
                "Please find attached the report for your review.",
                "The committee will convene at 10 a.m. on Monday.",
                "We regret to inform you that the meeting has been cancelled.",
                "Kindly confirm your attendance at your earliest convenience.",
            ),
        ),
        y_names=("negative", "positive"),
        y_poles=(
            (
                "This is terrible and I hate it.",
                "What a disappointing, awful experience.",
                "I'm so sad and angry right now.",
                "The service was rude and the food was cold.",
                "Unfortunately, the project was a complete failure.",
            ),
            (
                "This is wonderful and I love it.",
                "What a delightful, excellent experience.",
                "I'm so happy and grateful right now.",
                "The staff were kind and the food was delicious.",
                "Fortunately, the project was a complete success.",
            ),
        ),
        phrases=(
            *ARTICLE_PHRASES,
            "Thank you so much for your kind help!",
            "this movie was trash lol",
            "The meeting is postponed until further notice.",
            "We are delighted to welcome you to the team.",
            "ugh worst day ever",
        ),
        toy_axes=True,
    ),
    "time_price": AxesPreset(
        label="past ↔ future, cheap ↔ expensive",
        x_names=("past", "future"),
        x_poles=(
            (
                "Yesterday we walked through the old town.",
                "Back in 1920 people travelled by steam train.",
                "She had already finished the work last week.",
                "In ancient times the city was a small village.",
                "I remember when we were kids.",
            ),
            (
                "Tomorrow we will walk through the new town.",
                "By 2080 people will travel by hyperloop.",
                "She will finish the work next week.",
                "In the coming centuries the city will grow.",
                "One day our kids will remember this.",
            ),
        ),
        y_names=("cheap", "expensive"),
        y_poles=(
            (
                "a budget motel room for one night",
                "bargain sneakers on sale",
                "instant noodles for dinner",
                "a second-hand bike for twenty dollars",
                "free samples at the supermarket",
            ),
            (
                "a luxury penthouse suite for one night",
                "designer leather shoes from Milan",
                "a tasting menu at a three-star restaurant",
                "a brand-new sports car for two hundred thousand dollars",
                "a private jet charter",
            ),
        ),
        phrases=(
            "a vintage pocket watch from 1890",
            "renting a cheap flat next year",
            "the medieval king's golden crown",
            "a luxury hotel on Mars in 2150",
            "a penny sweet from my childhood",
            "saving up for a flying car someday",
            "yesterday's half-price sandwich",
            "an ancient Roman coin worth a fortune",
        ),
    ),
    "work_outdoors": AxesPreset(
        label="work ↔ leisure, indoors ↔ outdoors",
        x_names=("work", "leisure"),
        x_poles=(
            (
                "a meeting with the finance team",
                "answering emails at the office",
                "finishing the quarterly report",
                "a job interview",
                "a deadline at work",
            ),
            (
                "relaxing on a day off",
                "playing games with friends",
                "a lazy Sunday afternoon",
                "watching a film for fun",
                "a holiday at the beach",
            ),
        ),
        y_names=("indoors", "outdoors"),
        y_poles=(
            (
                "sitting in the living room",
                "inside the house",
                "in a room with the curtains drawn",
                "under the roof at home",
                "in the kitchen",
            ),
            (
                "walking in the open air",
                "outside in the garden",
                "under the open sky",
                "out in the fields",
                "in the park",
            ),
        ),
        phrases=(
            "hiking up a mountain trail",
            "a board game night at home",
            "a conference call from my desk",
            "inspecting a construction site",
            "reading a novel in bed",
            "surveying crops on a farm",
            "a picnic by the lake",
            "filing tax forms at the kitchen table",
        ),
    ),
    "overlap": AxesPreset(
        label="Two axes that overlap: negative ↔ positive, sad ↔ happy",
        x_names=("negative", "positive"),
        x_poles=(
            (
                "This is terrible and I hate it.",
                "What a disappointing, awful experience.",
                "The service was rude and the food was cold.",
                "Unfortunately, the project was a complete failure.",
            ),
            (
                "This is wonderful and I love it.",
                "What a delightful, excellent experience.",
                "The staff were kind and the food was delicious.",
                "Fortunately, the project was a complete success.",
            ),
        ),
        y_names=("sad", "happy"),
        y_poles=(
            ("I feel sad", "tears and grief", "heartbroken and lonely", "a gloomy day", "sorrow"),
            ("I feel happy", "laughter and joy", "cheerful and loved", "a sunny day", "delight"),
        ),
        phrases=(
            "I lost my keys again",
            "We won the championship!",
            "The soup was cold and bland.",
            "Grandma's funeral was today.",
            "Best pizza in town, highly recommend.",
            "I'm bored.",
        ),
    ),
}
