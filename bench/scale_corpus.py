"""The scale bench's synthetic corpus: deterministic sentences on a few themes.

Two kinds of rows: "subject verb object context" sentences from hand-written
pools, and the shipped sentences (the search sample and the toy model's
phrases) each with a short remark, as a forum or a feed would quote them.
"""

from __future__ import annotations

from collections.abc import Iterator

from bench.harness import ROOT

#: Name of the parquet's category column: not one the page colours by on its own
#: (explorer.documents.corpus.TOPIC_COLUMNS), so choosing it in "Colour by" is a change.
CATEGORY_COLUMN = "theme"
SEED = 0

SUBJECTS = (
    "my neighbour", "our landlord", "the new intern", "a reader from Leeds",
    "the city council", "my sister", "our team lead", "the night-shift nurse",
    "a customer", "the primary school", "my flatmate", "the local bakery",
    "our book club", "the bus driver", "a tourist from Osaka", "my grandfather",
    "the football coach", "the startup next door", "our vet", "the science museum",
    "a first-year student", "the mayor", "my dentist", "the seaside hotel",
    "our plumber", "the budget airline", "a dairy farmer", "the wedding band",
    "my doctor", "the support team", "the head chef", "a commuting cyclist",
    "the public library", "my cousin", "the gym downstairs", "a local journalist",
    "the landlady", "my boss", "the corner garage", "the parents' group",
)  # fmt: skip
VERBS = (
    "complained about", "asked about", "wrote a review of", "posted photos of",
    "is worried about", "recommended", "cancelled", "booked", "fixed", "forgot about",
    "argued about", "cannot stop talking about", "finally replaced", "is saving up for",
    "shared a tip about", "posted an update on", "laughed about", "apologised for",
    "praised", "reported", "ordered", "returned", "checked", "asked for advice on",
    "cleaned", "sold", "lost", "found", "repaired", "tested", "planned",
    "asked for a refund on", "voted against", "read an article about",
    "made a video about", "signed up for", "gave up on", "is thinking about",
    "finished", "warned us about",
)  # fmt: skip
#: Objects by theme; the theme becomes the category column.
OBJECTS = {
    "home": (
        "the leaking kitchen tap", "the broken boiler", "the noisy washing machine",
        "a damp patch on the bedroom wall", "the new sofa", "the blocked drain",
        "a cheap set of shelves", "the draughty front door",
    ),
    "travel": (
        "a cheap flight to Lisbon", "the night train to Vienna",
        "a hotel room with a sea view", "the lost luggage", "a weekend in the mountains",
        "the ferry timetable", "a camper van for the summer", "the airport shuttle",
    ),
    "cooking": (
        "the spicy noodle soup", "the sourdough starter", "a vegan lasagne recipe",
        "the burnt pancakes", "a slow-cooked beef stew", "the lemon drizzle cake",
        "a jar of homemade chutney", "the Sunday roast",
    ),
    "tech": (
        "the new phone update", "the slow home Wi-Fi", "a laptop with a cracked screen",
        "the printer that keeps jamming", "a password manager", "the smart thermostat",
        "the cloud backup", "a second-hand tablet",
    ),
    "money": (
        "the electricity bill", "the monthly budget", "a high-interest savings account",
        "the late rent payment", "a parking fine", "the pension forms",
        "a refund from the bank", "the council tax letter",
    ),
    "health": (
        "the flu jab", "a sore knee", "the night-time cough", "the new allergy tablets",
        "a blood test", "the waiting list for physio", "a sprained wrist",
        "the hay fever season",
    ),
    "sport": (
        "the Saturday football match", "a half-marathon", "the climbing wall",
        "the tennis lessons", "a new pair of running shoes", "the swimming timetable",
        "the cricket score", "a yoga class",
    ),
    "pets": (
        "the old grey cat", "a puppy that chews shoes", "the goldfish tank",
        "the rabbit hutch", "a dog that barks at night", "the parrot's cage",
        "the cat flap", "a lost tortoise",
    ),
}  # fmt: skip
CONTEXTS = (
    "last night", "this morning", "on Monday", "again", "after work",
    "during the storm", "before the holidays", "for the third time this month",
    "on the group chat", "at the weekend", "in the comments", "without telling anyone",
    "with a big smile", "in a long email", "over breakfast", "at the town meeting",
    "on the phone for an hour", "in the queue at the post office", "right before lunch",
    "after the power cut", "while it was snowing", "on the way to school",
    "at two in the morning", "in front of everyone", "during the school run",
    "on the neighbourhood forum", "in the staff kitchen", "after the match",
    "before the deadline", "in a voice message", "at the farmers' market",
    "on the last day of term", "in the middle of the meeting", "at the bus stop",
    "on a rainy Tuesday", "after payday", "in a handwritten note",
    "while the kettle boiled", "on their lunch break", "in a hurry",
    "for no clear reason", "with the whole family", "at the end of the shift",
    "in the local paper", "during the heatwave", "on the train home",
    "in a three-page letter", "after the school concert", "once the shops had closed",
    "as soon as the sun came out",
)  # fmt: skip
REMARKS = (
    "Has anyone tried this?", "Saw this on the noticeboard.", "Sharing in case it helps.",
    "Not sure I agree.", "Worth reading.", "Thoughts?", "My mum sent me this.",
    "Posted by a member.", "Found this in an old folder.", "Quoted from the newsletter.",
    "Someone said this at work today.", "Heard on the radio.", "True story.",
    "Read it twice to be sure.", "From the comments section.", "Overheard on the bus.",
    "Still thinking about this one.", "Copied from the group chat.",
    "Can anyone confirm?", "Bookmarking this.", "Pinned by the moderators.",
    "A friend forwarded this.", "Straight from the FAQ.", "From last week's thread.",
    "Said with a straight face.", "Typed on my phone, sorry.", "Source: the website.",
    "As seen in the shop window.", "Written on the whiteboard.", "Ten out of ten.",
    "Could not make this up.", "Adding this to the wiki.", "Reposting for visibility.",
    "Translated by a volunteer.", "Printed on the receipt.", "From the school letter.",
    "Left as a review.", "From a customer survey.", "Said the tour guide.",
    "From my notes.",
)  # fmt: skip
#: Share of rows that quote a shipped sentence (the rest are built from the pools).
SHIPPED_SHARE = 0.25
#: Themes for shipped sentences: the sample's topic where it is one of ours, else these.
OTHER_TOPICS = "other topics"
EVERYDAY = "everyday messages"
_BLOCK = 4096


def shipped_sentences() -> list[tuple[str, str]]:
    """(sentence, theme) for the search sample and the toy model's training phrases."""
    import pandas as pd

    data = ROOT / "explorer" / "data"
    sample = pd.read_csv(data / "search_corpus.csv")
    phrases = pd.read_csv(data / "toy_phrases.csv")
    rows = [
        (str(text), topic if topic in OBJECTS else OTHER_TOPICS)
        for text, topic in zip(sample["text"], sample["topic"], strict=True)
    ]
    rows += [(str(text), EVERYDAY) for text in phrases["text"]]
    return rows


def _sentences(seed: int = SEED) -> Iterator[tuple[str, str]]:
    """An endless, deterministic stream of (sentence, theme), repeats possible."""
    import numpy as np

    rng = np.random.default_rng(seed)
    shipped = shipped_sentences()
    themes = list(OBJECTS)
    per_theme = len(OBJECTS[themes[0]])
    assert all(len(things) == per_theme for things in OBJECTS.values())
    while True:  # one block of draws at a time
        kind = rng.random(_BLOCK)
        picks = [
            rng.integers(0, n, _BLOCK)
            for n in (len(SUBJECTS), len(VERBS), len(themes), per_theme, len(CONTEXTS), 2)
        ]
        quote = rng.integers(0, len(shipped), _BLOCK)
        remark = rng.integers(0, len(REMARKS), _BLOCK)
        for i in range(_BLOCK):
            if kind[i] < SHIPPED_SHARE:
                sentence, theme = shipped[quote[i]]
                sentence = sentence.strip()
                stop = "" if sentence[-1] in ".!?…)" or not sentence[-1].isalnum() else "."
                yield f"{sentence}{stop} {REMARKS[remark[i]]}", theme
                continue
            subject, verb, theme_at, thing, context, form = (int(p[i]) for p in picks)
            theme = themes[theme_at]
            clause = f"{SUBJECTS[subject]} {VERBS[verb]} {OBJECTS[theme][thing]}"
            if form:
                text = f"{clause} {CONTEXTS[context]}."
            else:
                text = f"{CONTEXTS[context]}, {clause}."
            yield text[0].upper() + text[1:], theme


def synthetic_corpus(n: int, *, seed: int = SEED) -> tuple[list[str], list[str]]:
    """``n`` distinct sentences and their themes; the first ``k`` are the same for any ``n``."""
    from explorer.phrases import phrase_key

    texts: list[str] = []
    themes: list[str] = []
    seen: set[str] = set()
    for text, theme in _sentences(seed):
        if len(texts) == n:
            break
        key = phrase_key(text)
        if key in seen:
            continue
        seen.add(key)
        texts.append(text)
        themes.append(theme)
    return texts, themes


def make_dataset(texts: list[str], themes: list[str] | None = None):
    import pandas as pd

    from explorer.documents.corpus import Corpus as Dataset

    extra = pd.DataFrame({CATEGORY_COLUMN: themes} if themes else {}, index=range(len(texts)))
    return Dataset(tuple(texts), extra, None, None, None, None, "synthetic sentences")
