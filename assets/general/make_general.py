"""Generate the unlabelled general-English corpus of Distillation Lab (assets/general/general.csv).

Task-agnostic distillation (DistilBERT, TinyBERT's general stage) matches a student to a teacher on
plain, unlabelled text before any task is involved. Those papers use Wikipedia and books; this is a
tiny, offline stand-in that the project writes itself: nothing is downloaded or copied from a public
data set. Standard library only, deterministic (fixed SEED, lists and insertion-ordered dicts only).

    python assets/general/make_general.py

writes general.csv (one column, ``text``) next to this file and prints the statistics quoted in
CARD.md.

How it works: every topic has a bank of hand-written full sentences and a list of small "frames",
functions that fill a sentence shape from hand-written phrase banks. The hand-written sentences are
all used; the frames are then called in turn (round robin, so no frame dominates) until the topic has
its quota of new rows. Rows are de-duplicated on a normalised key (lower case, letters and digits
only), so two rows never differ only in case or punctuation.
"""

from __future__ import annotations

import csv
import random
import re
import statistics
import sys
from collections import Counter
from pathlib import Path

SEED = 20240917
HERE = Path(__file__).resolve().parent
OUT = HERE / "general.csv"
TOTAL = 4000
MIN_WORDS, MAX_WORDS = 6, 34  # templated rows outside this range are rejected
MAX_PER_FRAME = 30  # no single sentence shape may fill more than this many rows

# Rows per topic. "opinions" (reviews and views) and "service" (customer-service-like questions and
# requests) are kept small on purpose, so the corpus is mostly general prose.
QUOTAS = {
    "everyday life": 245, "weather": 210, "cooking": 235, "travel": 235, "work": 225,
    "school": 215, "science": 225, "history": 200, "sports": 205, "music": 190,
    "nature": 205, "technology": 205, "health": 195, "shopping": 170, "city life": 205,
    "animals": 205, "conversation": 175, "opinions": 300, "service": 155,
}
assert sum(QUOTAS.values()) == TOTAL, sum(QUOTAS.values())

# ---------------------------------------------------------------------------------------------
# Small language helpers
# ---------------------------------------------------------------------------------------------

PAST = {
    "be": "was", "become": "became", "begin": "began", "break": "broke", "bring": "brought",
    "build": "built", "buy": "bought", "catch": "caught", "choose": "chose", "come": "came",
    "cut": "cut", "do": "did", "draw": "drew", "drink": "drank", "drive": "drove", "eat": "ate",
    "fall": "fell", "feed": "fed", "feel": "felt", "find": "found", "fly": "flew", "forget": "forgot",
    "get": "got", "give": "gave", "go": "went", "grow": "grew", "hang": "hung", "have": "had",
    "hear": "heard", "hold": "held", "keep": "kept", "know": "knew", "leave": "left", "lend": "lent",
    "let": "let", "lose": "lost", "make": "made", "meet": "met", "pay": "paid", "put": "put",
    "read": "read", "ride": "rode", "ring": "rang", "run": "ran", "say": "said", "see": "saw",
    "sell": "sold", "send": "sent", "set": "set", "shut": "shut", "sing": "sang", "sit": "sat",
    "sleep": "slept", "speak": "spoke", "spend": "spent", "stand": "stood", "sweep": "swept",
    "swim": "swam", "take": "took", "teach": "taught", "tell": "told", "think": "thought",
    "throw": "threw", "wake": "woke", "wear": "wore", "win": "won", "write": "wrote",
}
DOUBLE = {"chop", "drop", "grab", "hug", "jog", "mop", "plan", "run", "shop", "skip", "stir",
          "stop", "swim", "travel", "get", "put", "sit", "set", "cut", "let", "win", "begin", "fit"}
DOUBLE_ED = {"chop", "drop", "grab", "hug", "jog", "mop", "plan", "shop", "skip", "stir", "stop",
             "travel", "fit"}


def _s(v: str) -> str:
    if v == "have":
        return "has"
    if v == "be":
        return "is"
    if v.endswith(("s", "sh", "ch", "x", "z", "o")):
        return v + "es"
    if v.endswith("y") and v[-2] not in "aeiou":
        return v[:-1] + "ies"
    return v + "s"


def _past(v: str) -> str:
    if v in PAST:
        return PAST[v]
    if v in DOUBLE_ED:
        return v + v[-1] + "ed"
    if v.endswith("e"):
        return v + "d"
    if v.endswith("y") and v[-2] not in "aeiou":
        return v[:-1] + "ied"
    return v + "ed"


def _ing(v: str) -> str:
    if v in DOUBLE:
        return v + v[-1] + "ing"
    if v.endswith("ie"):
        return v[:-2] + "ying"
    if v.endswith("e") and not v.endswith(("ee", "ye", "oe")) and v != "be":
        return v[:-1] + "ing"
    return v + "ing"


def vp(phrase: str, form: str) -> str:
    """Conjugate the first word of a base-form verb phrase: form is 's', 'past' or 'ing'."""
    head, _, rest = phrase.partition(" ")
    head = {"s": _s, "past": _past, "ing": _ing}[form](head)
    return f"{head} {rest}".strip()


def a_an(word: str) -> str:
    return "an" if word[:1].lower() in "aeio" or word.lower().startswith("un") else "a"


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def and_list(items: list[str]) -> str:
    items = list(items)
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


NUMW = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
        "nineteen", "twenty"]


def num(n: int) -> str:
    return NUMW[n] if 0 <= n <= 20 else str(n)


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


ORDW = ["", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
        "tenth", "eleventh", "twelfth"]

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WEEKDAYS = DAYS[:5]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
CLOCK = ["seven", "half past seven", "eight", "a quarter past eight", "half past eight", "nine",
         "ten", "half past ten", "eleven", "noon", "two", "half past three", "four", "five",
         "half past five", "six", "seven in the evening", "eight in the evening"]
NAMES = [("Maria", "f"), ("James", "m"), ("Aisha", "f"), ("Tom", "m"), ("Priya", "f"),
         ("Lukas", "m"), ("Mei", "f"), ("Omar", "m"), ("Sofia", "f"), ("Daniel", "m"),
         ("Grace", "f"), ("Kenji", "m"), ("Fatima", "f"), ("Leo", "m"), ("Hannah", "f"),
         ("Carlos", "m"), ("Nadia", "f"), ("Ben", "m"), ("Elena", "f"), ("Samuel", "m"),
         ("Ruth", "f"), ("Ivan", "m"), ("Chloe", "f"), ("Yusuf", "m"), ("Anna", "f"),
         ("Peter", "m"), ("Zara", "f"), ("Felix", "m"), ("Ingrid", "f"), ("Marcus", "m"),
         ("Rosa", "f"), ("Theo", "m"), ("Amara", "f"), ("Jonas", "m"), ("Lucy", "f"),
         ("Hugo", "m"), ("Nina", "f"), ("Raj", "m"), ("Clara", "f"), ("Owen", "m"),
         ("Beatriz", "f"), ("Kwame", "m"), ("Olivia", "f"), ("Mateo", "m"), ("Hana", "f"),
         ("Patrick", "m"), ("Leila", "f"), ("Arjun", "m")]
RELATIVES = [("sister", "f"), ("brother", "m"), ("mother", "f"), ("father", "m"),
             ("grandmother", "f"), ("grandfather", "m"), ("aunt", "f"), ("uncle", "m"),
             ("cousin", "f"), ("neighbour", "m"), ("flatmate", "f"), ("husband", "m"), ("wife", "f")]
PRON = {"f": dict(he="she", him="her", his="her", He="She", His="Her", hes="she's"),
        "m": dict(he="he", him="him", his="his", He="He", His="His", hes="he's")}
STREETS = ["Church Street", "Mill Lane", "the High Street", "Station Road", "Market Street",
           "Bridge Street", "King Street", "Park Road", "Queen's Road", "Water Lane"]


def person(r: random.Random) -> dict:
    name, g = r.choice(NAMES)
    return dict(N=name, **PRON[g])


def relative(r: random.Random) -> dict:
    rel, g = r.choice(RELATIVES)
    return dict(R=rel, **PRON[g])


def fmt(template: str, **kw) -> str:
    return template.format(**kw)


# ---------------------------------------------------------------------------------------------
# Registry: hand-written sentences and frames per topic
# ---------------------------------------------------------------------------------------------

HAND: dict[str, list[str]] = {}
FRAMES: dict[str, list] = {}


def hand(topic: str, text: str) -> None:
    HAND.setdefault(topic, []).extend(s.strip() for s in text.strip().split("\n") if s.strip())


def frame(topic: str):
    def deco(fn):
        FRAMES.setdefault(topic, []).append(fn)
        return fn
    return deco

# =============================================================================================
# Everyday life
# =============================================================================================
T = "everyday life"
hand(T, """
The kettle clicked off just as the phone started ringing.
We keep a basket of spare gloves and scarves by the front door for cold mornings.
My neighbour leaves her bins out on the wrong day at least once a month.
There is a drawer in every kitchen that is full of rubber bands, old keys and takeaway menus.
I finally fixed the wobbly chair in the hall with a folded piece of cardboard.
On Sunday mornings the whole house smells of coffee and toast.
The last person to leave the house is supposed to check that the back door is locked.
Our downstairs neighbours have a piano, and someone practises the same song every evening at six.
We still haven't decided what colour to paint the spare room.
The clocks go back this weekend, so we'll get an extra hour in bed.
My alarm goes off at half past six, but I rarely get up before seven.
After the power cut, we spent the evening playing cards by candlelight.
Somebody has borrowed the stepladder and nobody remembers who.
I always mean to go to bed early on Sundays, and I almost never do.
The washing has been on the line since Tuesday because it keeps raining just as it starts to dry.
My grandmother writes every shopping list on the back of an old envelope.
We put the children's drawings on the fridge until there is no space left, and then we start again.
The spare key is kept with a neighbour, not under the mat, where everyone would look first.
It took me twenty minutes to find my glasses, and they were on my head the whole time.
When the boiler broke in January, we boiled kettles for washing for almost a week.
Every year we say we'll send our holiday cards early, and every year they go out in the last week.
The house is very quiet when the children are at their grandparents'.
""")

CHORES = ["do the laundry", "water the plants", "take out the rubbish", "vacuum the living room",
          "iron shirts for the week", "pay the bills", "tidy the kitchen", "walk the dog",
          "change the bed sheets", "clean the bathroom", "sort the recycling", "mow the lawn",
          "wipe down the kitchen counters", "fold the washing", "clean the windows",
          "sweep the front steps"]
WHEN_HAB = ["on Sunday evenings", "first thing in the morning", "after dinner", "on Saturday mornings",
            "before the children wake up", "during the lunch break", "on Friday afternoons",
            "as soon as {he} gets home"]


@frame(T)
def e_chore_week(r):
    p = person(r)
    when = r.choice(WHEN_HAB).format(**p)
    return fmt("{N} usually {c} {w}, but this week {he} did it on {d} instead.",
               c=vp(r.choice(CHORES), "s"), w=when, d=r.choice(DAYS), **p)


@frame(T)
def e_checks(r):
    p = person(r)
    check = r.choice(["the windows are closed", "the oven is switched off", "the back door is locked",
                      "the lights are off upstairs", "the cat has enough water", "{his} keys are in {his} bag",
                      "the iron is unplugged", "the taps are turned off"]).format(**p)
    start = r.choice(["Before leaving the house, {N} always checks that",
                      "Every morning before work, {N} checks that",
                      "{N} never goes out without checking that"])
    return fmt(start + " " + check + ".", **p)


@frame(T)
def e_rel_chore(r):
    q = relative(r)
    audio = r.choice(["the radio", "an old podcast", "a playlist of jazz standards", "the morning news",
                      "an audiobook", "a football commentary", "the same three albums"])
    return fmt("My {R} {c} every {d} while listening to {a}.", c=vp(r.choice(CHORES), "s"),
               d=r.choice(DAYS), a=audio, **q)


@frame(T)
def e_ran_out(r):
    item, it = r.choice([("milk", "it"), ("bread", "it"), ("coffee", "it"), ("eggs", "them"),
                         ("rice", "it"), ("washing-up liquid", "it"), ("teabags", "them"),
                         ("butter", "it"), ("sugar", "it"), ("toilet paper", "it"), ("batteries", "them")])
    fix = r.choice(["added {it} to the shopping list", "asked the neighbours if they had any to spare",
                    "went to the corner shop before breakfast", "made do without {it} for the day",
                    "wrote {it} on the board by the fridge", "picked some up on the way home from work"])
    when = r.choice(["", " again", " on Sunday morning", " last night", " yesterday"])
    return f"We ran out of {item}{when}, so I {fix.format(it=it)}."


TASKS = {
    "find a parking space near the flat": ["every street was full", "there was a football match nearby",
                                           "half the road was closed for repairs"],
    "fix the dripping tap": ["nobody could find the right spanner", "the washer was the wrong size",
                             "the old screws had rusted solid"],
    "put together the new bookshelf": ["the instructions were missing a page",
                                       "half the screws were in the wrong bag",
                                       "two of the shelves were the wrong way round"],
    "clear out the garage": ["it was full of boxes nobody had opened for years",
                             "the neighbours kept stopping by to chat",
                             "every box seemed to contain something worth keeping"],
    "hang the curtains in the spare room": ["the rail kept slipping out of the bracket",
                                            "the drill battery was flat",
                                            "the curtains turned out to be too long"],
    "clean the oven": ["nobody had done it since last winter", "the racks would not fit in the sink",
                       "the first cleaner we tried did nothing at all"],
}


@frame(T)
def e_task_took(r):
    p = person(r)
    task = r.choice(list(TASKS))
    dur = r.choice(["almost an hour", "most of the afternoon", "a whole morning", "forty minutes",
                    "nearly two hours", "the entire weekend"])
    return fmt("It took {N} {dur} to {task}, mostly because {why}.", dur=dur, task=task,
               why=r.choice(TASKS[task]), **p)


@frame(T)
def e_outing(r):
    out = r.choice(["went for a long walk by the canal", "visited my grandparents",
                    "cleaned out the shed", "went to see a film", "helped a friend move house",
                    "spent the morning at the swimming pool", "drove out to the garden centre",
                    "went to a car boot sale"])
    after = r.choice(["had soup at a small café near the station", "ordered pizza and watched an old film",
                      "sat in the garden until it got dark",
                      "made pancakes for everyone", "stopped at the bakery for something sweet"])
    who = r.choice(["my sister and I", "we", "my partner and I", "the four of us", "Dad and I"])
    return cap(f"On {r.choice(DAYS)} {who} {out}, and afterwards we {after}.")


@frame(T)
def e_seen_item(r):
    item, it = r.choice([("my blue umbrella", "it"), ("the car keys", "them"),
                         ("my reading glasses", "them"), ("the remote control", "it"),
                         ("my phone charger", "it"), ("the spare key", "it"), ("my library card", "it"),
                         ("the big scissors", "them"), ("my wallet", "it"), ("the torch", "it")])
    place = r.choice(["on the kitchen table", "by the front door", "next to the sofa",
                      "in the pocket of my coat", "on the shelf in the hall", "on the windowsill",
                      "in the car"])
    q = r.choice(["Have you seen {item} anywhere?", "Do you know where {item} went?",
                  "Has anyone moved {item}?"]).format(item=item)
    when = r.choice(["this morning", "last night", "an hour ago", "yesterday"])
    return f"{q} I'm sure I left {it} {place} {when}."


@frame(T)
def e_slept(r):
    noise = r.choice(["the neighbours were having a party", "the wind kept rattling the window",
                      "the baby woke up three times", "a car alarm went off at two in the morning",
                      "the radiator was making a strange ticking noise", "a dog barked for most of the night",
                      "I drank coffee far too late in the day"])
    plan = r.choice(["go to bed early", "try reading instead of looking at my phone",
                     "close the window and use earplugs", "skip the late film",
                     "have a quiet evening with no screens"])
    return f"I didn't sleep well last night because {noise}, so I'm going to {plan} tonight."


ERRANDS = ["return some books to the library", "pick up a parcel from the post office",
           "get my hair cut", "buy a birthday card for my aunt", "drop off the dry cleaning",
           "fill up the car", "take the old newspapers to the recycling centre",
           "book a dentist appointment", "collect a prescription from the chemist",
           "get a new battery for the kitchen clock", "post a letter to my grandmother"]


@frame(T)
def e_errands(r):
    a, b, c = r.sample(ERRANDS, 3)
    start = r.choice(["This Saturday I need to", "Before lunch tomorrow I have to",
                      "On my day off I want to", "Tomorrow morning I've got to"])
    return f"{start} {a}, {b} and {c}."


@frame(T)
def e_appliance(r):
    app = r.choice(["washing machine", "fridge", "boiler", "dishwasher", "tumble dryer", "extractor fan"])
    n = r.randint(2, 12)
    who = r.choice(["an engineer", "a technician", "a friend who repairs appliances", "someone from the landlord"])
    return f"The {app} has been making a strange noise for {num(n)} days, so {who} is coming to look at it on {r.choice(DAYS)}."


@frame(T)
def e_found(r):
    p = person(r)
    found = r.choice(["a parcel on the doorstep", "a note from the neighbours under the door",
                      "the dog asleep on the sofa", "that the power had gone off",
                      "that someone had left the back gate open", "a bunch of flowers on the step",
                      "the kitchen full of smoke from burnt toast"])
    when = r.choice(["When {N} got home from work", "When {N} came back from the shops",
                     "When {N} opened the front door on {d}", "Late that evening, {N} came home and"])
    w = when.format(d=r.choice(DAYS), **p)
    if w.endswith("and"):
        return f"{w} found {found}."
    return fmt("{w}, {he} found {found}.", w=w, found=found, **p)


@frame(T)
def e_notebook(r):
    p = person(r)
    thing = r.choice(["appointments", "whose turn it is to cook", "to buy bread", "birthdays",
                      "which bin goes out on which day", "the gas meter readings", "library due dates"])
    where = r.choice(["a small notebook by the door", "a calendar on the fridge",
                      "a list on the back of the kitchen door", "reminders on {his} phone"]).format(**p)
    return fmt("{N} keeps {w} so that {he} doesn't forget {t}.", w=where, t=thing, **p)


@frame(T)
def e_free_afternoon(r):
    p = person(r)
    leisure = r.choice(["read in the garden", "do a jigsaw puzzle", "call an old friend",
                        "bake something simple", "sort through old photographs",
                        "go for a slow walk around the park", "sit by the window with a cup of tea",
                        "do the crossword"])
    start = r.choice(["Whenever {N} has a free afternoon", "On rainy weekends", "When the house is quiet",
                      "If {N} finishes work early"]).format(**p)
    if start.startswith("Whenever") or start.startswith("If"):
        return fmt("{s}, {he} likes to {l}.", s=start, l=leisure, **p)
    return fmt("{s}, {N} likes to {l}.", s=start, l=leisure, **p)


@frame(T)
def e_moved(r):
    home = r.choice(["a small flat above a bakery", "a terraced house on a quiet street",
                     "a ground-floor flat with a tiny garden", "a new apartment near the river",
                     "a two-bedroom house at the edge of town", "an old cottage with very low ceilings"])
    end = r.choice(["it still doesn't feel quite like home", "we are still unpacking boxes",
                    "the neighbours have been very welcoming", "the first thing we bought was a proper kettle",
                    "we still get post for the people who lived there before"])
    return f"We moved into {home} in {r.choice(MONTHS)}, and {end}."


@frame(T)
def e_turn(r):
    c = r.choice(CHORES)
    return r.choice([f"Is it my turn to {c} or yours? I can't remember who did it last.",
                     f"Whose turn is it to {c}? I did it last time.",
                     f"I'll {c} today if you can do it tomorrow."])


@frame(T)
def e_alarm(r):
    p = person(r)
    t = r.choice(["twenty past eight", "a quarter to nine", "half past eight", "ten to nine", "nine o'clock"])
    rush = r.choice(["skip breakfast", "run for the bus", "call the office to say {he} would be late",
                     "get dressed in about two minutes", "ask a neighbour for a lift"]).format(**p)
    return fmt("The alarm didn't go off this morning. {N} woke up at {t} and had to {rush}.", t=t, rush=rush, **p)


@frame(T)
def e_long_day(r):
    p = person(r)
    start = r.choice(["After a long day", "At the end of a busy week", "On a cold evening"])
    simple = r.choice(["a hot bath and an early night", "a quiet cup of tea", "a bowl of soup in front of the fire",
                       "an hour with a good book", "a walk around the block", "a film and a blanket on the sofa"])
    return fmt("{s}, there is nothing {N} enjoys more than {x}.", s=start, x=simple, **p)

# =============================================================================================
# Weather
# =============================================================================================
T = "weather"
hand(T, """
It rained so hard this morning that the gutters overflowed.
The first frost of the year turned the whole garden white.
A strong wind blew across the bay all afternoon, and the ferries stayed in the harbour.
By the time we reached the top of the hill, the fog had lifted and we could see for miles.
Snow is forecast for the hills, but the town will probably just get cold rain.
The sun came out for about ten minutes and then disappeared behind the clouds again.
It's the kind of grey, still day when nobody really wants to leave the house.
After a week of heavy rain, the football pitches are completely waterlogged.
The thunder was so loud last night that it set off two car alarms on our street.
Spring seems to arrive a little earlier every year.
We sat on the balcony and watched the storm move slowly across the valley.
There was a hosepipe ban for most of August because the reservoirs were so low.
The temperature dropped by almost ten degrees in a single afternoon.
Weather forecasts are usually more reliable for the next two days than for the next two weeks.
Fog is simply a cloud that has formed close to the ground.
Hailstones form when raindrops are carried high into freezing air inside a storm cloud.
It was so hot on Tuesday that the tarmac on the car park went soft.
The wind changed direction overnight and brought much colder air from the north.
""")

FORECAST = ["there will be heavy rain", "temperatures will drop below freezing",
            "it will be sunny with a light breeze", "strong winds are expected along the coast",
            "there is a chance of thunderstorms", "it will stay dry but cloudy",
            "there could be snow on higher ground", "the heatwave will finally come to an end",
            "showers will clear from the west"]


@frame(T)
def w_forecast(r):
    when = r.choice(["tomorrow", "on Saturday", "later this week", "over the weekend", "tonight",
                     "by Thursday", "on Monday morning"])
    start = r.choice(["According to the forecast,", "The radio says", "The weather service says",
                      "My weather app says", "They said on the news that"])
    return f"{start} {r.choice(FORECAST)} {when}."


ADVICE = {
    "freezing": ["take a warm coat", "you'll need a hat and gloves", "the pavements might be icy"],
    "really windy": ["hold on to your hat", "the umbrella won't be much use", "the ferry might not run"],
    "pouring with rain": ["don't forget your umbrella", "we should probably stay in",
                          "wear your boots rather than your trainers"],
    "quite humid": ["take some water with you", "it might be better to walk in the shade"],
    "bright but cold": ["wear a few layers", "it's a good day for a brisk walk"],
    "grey and drizzly": ["take a light raincoat", "the washing won't dry outside"],
    "very foggy": ["drive slowly", "leave a bit earlier than usual"],
    "boiling hot": ["put on some sun cream", "remember to drink plenty of water"],
}


@frame(T)
def w_outside(r):
    adj = r.choice(list(ADVICE))
    looks = adj not in ("pouring with rain", "quite humid", "boiling hot")
    start = r.choice(["It's {a} outside, so", "It's {a} today, so"] + (["It looks {a} out there, so"] if looks else []))
    return cap(start.format(a=adj) + " " + r.choice(ADVICE[adj]) + ".")


CONSEQ = {
    "it rained all afternoon": ["the garden party moved indoors", "the match was called off at half-time",
                                "we stayed in and played board games"],
    "a thick fog rolled in from the sea": ["several flights were delayed", "we could barely see the end of the street",
                                           "the ferry crossing took twice as long"],
    "it snowed for the first time this winter": ["the schools closed early",
                                                 "the children were out building snowmen by nine",
                                                 "half the buses didn't run"],
    "a thunderstorm broke just before midnight": ["the power went off for an hour",
                                                  "the dog hid under the bed until morning",
                                                  "nobody on our street got much sleep"],
    "there was frost on every car windscreen": ["everyone was late for work",
                                                "we had to scrape the windows before we could leave",
                                                "the road to the village was closed until noon"],
    "it was warm enough to sit outside": ["we had lunch in the garden", "the park was full of people",
                                          "the café put its tables out on the pavement"],
}


@frame(T)
def w_last_day(r):
    cond = r.choice(list(CONSEQ))
    return f"Last {r.choice(DAYS)}, {cond}, and {r.choice(CONSEQ[cond])}."


@frame(T)
def w_temp(r):
    if r.random() < 0.5:
        n = r.randint(27, 36)
        since = r.choice(["since records began", "in over twenty years", "this summer", "since 2019", "all year"])
        where = r.choice(["in the city", "in the south", "at the airport", "in our garden", "along the coast"])
        return f"The temperature reached {n} degrees {where} on {r.choice(DAYS)}, the highest {since}."
    n = r.randint(2, 15)
    what = r.choice(["the pipes in the shed froze", "the lake at the edge of town froze over",
                     "the buses struggled to get up the hill", "the roads were gritted twice"])
    return f"The temperature fell to minus {num(n)} overnight, and {what}."


@frame(T)
def w_hoping(r):
    verb = r.choice(["rain", "snow", "stay dry", "clear up", "be windy"])
    when = r.choice(["tomorrow", "this weekend", "on Saturday", "later today", "on Sunday afternoon"])
    plan = r.choice(["hang the washing outside", "go cycling", "have a picnic in the park",
                     "walk up the hill", "paint the fence", "take the children to the beach", "wash the car"])
    return f"Do you think it will {verb} {when}? I was hoping to {plan}."


@frame(T)
def w_even_though(r):
    if r.random() < 0.5:
        sky = r.choice(["clear", "bright", "cloudless", "perfectly blue"])
        turn = r.choice(["it was pouring by lunchtime", "a storm rolled in before the evening",
                         "we got caught in a hailstorm on the way home", "the afternoon was cold and wet"])
    else:
        sky = r.choice(["dark", "heavy", "threatening", "grey"])
        turn = r.choice(["the rain never came", "it turned into a lovely afternoon",
                         "the clouds had gone by noon", "we stayed completely dry"])
    start = r.choice(["Even though", "Although", "While"])
    return f"{start} the sky looked {sky} in the morning, {turn}."


SEASONS = {
    "winter": ["long dark evenings and a lot of wet snow", "icy roads and very short days",
               "storms that come in from the sea"],
    "spring": ["sudden showers and mild afternoons", "cold mornings and surprisingly warm afternoons"],
    "summer": ["long dry spells and the occasional thunderstorm", "warm evenings and very little rain",
               "sea mist in the mornings"],
    "autumn": ["strong winds and heavy rain", "misty mornings and cool evenings", "the first frosts in October"],
}


@frame(T)
def w_season(r):
    place = r.choice(["the north of the country", "the mountains", "coastal towns", "this part of the world",
                      "the valley where my grandparents live", "the islands"])
    season = r.choice(list(SEASONS))
    return cap(f"In {place}, {season} usually brings {r.choice(SEASONS[season])}.")


@frame(T)
def w_wind(r):
    effect = r.choice(["it blew the bins over", "several trees came down in the park", "the ferry was cancelled",
                       "we could barely open the car door", "the washing ended up in the neighbours' garden",
                       "part of the fence blew down", "the trampoline moved halfway across the lawn"])
    start = r.choice(["The wind was so strong", "The gusts were so strong last night",
                      "On Thursday the wind was so fierce"])
    return f"{start} that {effect}."


@frame(T)
def w_dry(r):
    n = r.randint(3, 9)
    effect = r.choice(["the lawns are turning brown", "farmers are starting to worry",
                       "the river is lower than anyone can remember", "the council has asked people to save water",
                       "the reservoir is only half full"])
    return f"There hasn't been any proper rain for {num(n)} weeks, and {effect}."


@frame(T)
def w_checked_app(r):
    p = person(r)
    n = r.randint(3, 11)
    decision = r.choice(["take the umbrella after all", "cancel the barbecue", "cycle to work anyway",
                         "leave early to beat the storm", "move the party indoors", "wear the heavy coat"])
    return fmt("{N} checked the weather app {n} times before deciding to {d}.", n=num(n), d=decision, **p)


@frame(T)
def w_when_snows(r):
    scene = r.choice(["the whole street goes quiet", "children build snowmen in the park across the road",
                      "the buses stop running up the hill", "everyone suddenly remembers where they put their boots",
                      "the village can be cut off for days", "the dog runs in circles in the garden"])
    start = r.choice(["When it snows,", "Whenever it snows here,", "Every time it snows,"])
    return f"{start} {scene}."


@frame(T)
def w_morning_afternoon(r):
    m = r.choice(["grey and cold", "bright and still", "wet and windy", "foggy", "cloudy and mild"])
    a = r.choice(["the sun was shining", "it was raining steadily", "the wind had dropped completely",
                  "it was warm enough to take our jackets off", "a cold wind had started blowing from the north"])
    return r.choice([f"The morning started {m}. By the afternoon, {a}.",
                     f"The day began {m}, but by the afternoon {a}."])


@frame(T)
def w_isnt_strange(r):
    obs = r.choice(["the rain always starts just as you leave the house", "one sunny day makes everyone cheerful",
                    "the first frost always seems to come early", "the wind feels colder by the sea",
                    "the forecast is always wrong on the days that matter", "a thunderstorm can clear the air"])
    return r.choice([f"Isn't it strange how {obs}?", f"Have you noticed how {obs}?"])


@frame(T)
def w_rainbow(r):
    where = r.choice(["the harbour", "the school playing fields", "the hills", "the allotments", "the motorway"])
    return f"A {r.choice(['double ', 'bright ', 'faint ', ''])}rainbow appeared over {where} just as the rain stopped."

# =============================================================================================
# Cooking
# =============================================================================================
T = "cooking"
hand(T, """
This soup tastes even better on the second day, once the flavours have had time to settle.
A sharp knife is safer than a blunt one, because it is less likely to slip.
My father makes the same pancakes every Sunday and refuses to write the recipe down.
The bread didn't rise properly, probably because the kitchen was too cold.
How long do you usually boil an egg if you want the yolk to stay soft?
We ate the whole tray of roast potatoes before the chicken was even out of the oven.
Salt the pasta water generously; it should taste a little like the sea.
Nobody in the family can make rice pudding quite like my grandmother did.
The recipe said it would serve four, but it barely fed two of us.
If a sauce splits, whisking in a spoonful of cold water can sometimes bring it back.
I forgot the garlic bread in the oven, and it came out as black as coal.
Fresh herbs go in at the end of cooking, while dried herbs need more time to soften.
We grow our own tomatoes, so in August we eat them with almost every meal.
The cake sank in the middle, but it still tasted wonderful with a bit of cream.
Could you taste this and tell me whether it needs more salt?
Onions take much longer to caramelise than most recipes admit.
My first attempt at making sushi fell apart, but the second batch was much better.
There's a big pot of chilli on the stove if anyone is hungry.
Baking is a bit like chemistry: small changes to the amounts can change everything.
""")

RECIPES = {
    "tomato soup": ["chop the onions and garlic", "soften them in a little olive oil",
                    "add the tomatoes and a pinch of salt", "simmer everything for twenty minutes",
                    "blend the soup until smooth"],
    "banana bread": ["mash three ripe bananas", "stir in the melted butter and sugar", "beat in two eggs",
                     "fold in the flour and baking powder", "bake for about fifty minutes"],
    "a simple curry": ["fry the onions until golden", "add the ginger, garlic and spices",
                       "stir in the chickpeas and a tin of tomatoes", "pour in the coconut milk",
                       "let it bubble gently for a quarter of an hour"],
    "pancakes": ["whisk the flour, eggs and milk together", "let the batter rest for a few minutes",
                 "heat a little butter in a frying pan", "pour in a thin layer of batter",
                 "flip the pancake when the edges start to brown"],
    "a vegetable stir-fry": ["slice the peppers and carrots thinly", "heat the oil until it is very hot",
                             "fry the garlic for a few seconds", "add the vegetables and keep them moving",
                             "finish with a splash of soy sauce"],
    "risotto": ["warm the stock in a separate pan", "soften a chopped onion in butter",
                "stir in the rice until every grain is coated", "add the stock one ladle at a time",
                "finish with grated cheese and a knob of butter"],
    "a fruit crumble": ["slice the apples and put them in a dish", "rub the butter into the flour",
                        "stir in the sugar and oats", "scatter the crumble over the fruit",
                        "bake until the top is golden"],
}


@frame(T)
def c_steps(r):
    dish = r.choice(list(RECIPES))
    steps = RECIPES[dish]
    i = r.randint(0, len(steps) - 3)
    a, b, c = steps[i:i + 3]
    style = r.random()
    if style < 0.35:
        if i == 0:
            return f"To make {dish}, first {a}, then {b} and {c}."
        return f"Halfway through making {dish}, you {a}, then {b} and {c}."
    if style < 0.7:
        return f"For {dish}, {a}. Then {b}, and {c}."
    return f"When you make {dish}, remember to {a} before you {b}."


@frame(T)
def c_occasion(r):
    p = person(r)
    dish = r.choice(["a lemon tart", "a big pot of paella", "a chocolate birthday cake", "homemade lasagne",
                     "dumplings from scratch", "a whole roast chicken", "a vegetable pie", "fresh pasta"])
    occ = r.choice(["the family lunch on Sunday", "a dinner party on Friday", "the school fundraiser",
                    "a friend's housewarming", "{his} parents' anniversary", "the street party"]).format(**p)
    return fmt("{N} is making {d} for {o}, even though {he} has never made it before.", d=dish, o=occ, **p)


SUBS = [("buttermilk", "milk with a spoonful of lemon juice"), ("fresh herbs", "a smaller amount of dried herbs"),
        ("breadcrumbs", "crushed crackers"), ("self-raising flour", "plain flour with a little baking powder"),
        ("a rolling pin", "a clean glass bottle"), ("white wine", "stock with a splash of vinegar"),
        ("brown sugar", "white sugar and a little honey"), ("a piping bag", "a sandwich bag with one corner cut off"),
        ("shallots", "a small onion")]


@frame(T)
def c_subs(r):
    a, b = r.choice(SUBS)
    return r.choice([f"If you don't have {a}, you can use {b} instead.",
                     f"No {a}? {cap(b)} works almost as well.",
                     f"You can replace {a} with {b} if you need to.",
                     f"When we ran out of {a}, we used {b}, and nobody noticed."])


REST = [("dough", "rest", [20, 30, 60], "rolling it out"), ("meat", "rest", [5, 10, 15], "slicing it"),
        ("cake", "cool", [10, 15, 20], "turning it out of the tin"), ("bread", "cool", [20, 30, 45], "cutting it"),
        ("biscuits", "cool", [5, 10], "moving them to a rack"), ("jam", "cool", [10, 15], "pouring it into jars")]


@frame(T)
def c_rest(r):
    thing, verb, ns, action = r.choice(REST)
    n = r.choice(ns)
    return r.choice([f"Let the {thing} {verb} for {num(n)} minutes before {action}.",
                     f"It's worth letting the {thing} {verb} for about {num(n)} minutes before {action}."])


GRANDMA = {"apple crumble": ["cooking apples", "butter", "plain flour", "brown sugar", "a pinch of cinnamon"],
           "vegetable soup": ["carrots", "leeks", "potatoes", "a bay leaf", "a handful of lentils"],
           "scones": ["flour", "cold butter", "a little sugar", "milk", "a handful of sultanas"],
           "fish pie": ["smoked haddock", "prawns", "mashed potato", "parsley", "a white sauce"],
           "lemon cake": ["butter", "caster sugar", "eggs", "self-raising flour", "two unwaxed lemons"],
           "stew": ["beef", "onions", "carrots", "a spoonful of flour", "plenty of black pepper"]}


@frame(T)
def c_grandma(r):
    dish = r.choice(list(GRANDMA))
    items = GRANDMA[dish]
    idx = sorted(r.sample(range(len(items)), 3))
    who = r.choice(["My grandmother's", "My uncle's", "Our neighbour's", "The old family"])
    return f"{who} {dish} recipe needs only {and_list([items[i] for i in idx])}, plus a little patience."


@frame(T)
def c_dinner(r):
    p = person(r)
    dish = r.choice(["a mushroom risotto", "fish tacos", "lentil soup", "a spinach omelette", "vegetable curry",
                     "baked salmon with rice", "a big salad", "spaghetti with meatballs"])
    src = r.choice(["a recipe from an old magazine", "vegetables from the garden", "whatever was left in the fridge",
                    "a cookbook {he} got for {his} birthday", "a recipe {his} mother sent {him}",
                    "a video {he} had watched that morning"]).format(**p)
    when = r.choice(["We had", "Last night we had", "On Tuesday we had", "For lunch we had"])
    return fmt("{w} {d}, which {N} made using {s}.", w=when, d=dish, s=src, **p)


@frame(T)
def c_smell(r):
    p = person(r)
    smell, doing = r.choice([("garlic and rosemary", "roasting the lamb"), ("fresh bread", "baking"),
                             ("cinnamon and cloves", "making the Christmas biscuits"), ("frying onions", "making the sauce"),
                             ("lemon and ginger", "making the marmalade"), ("melted chocolate", "icing the cake"),
                             ("toasted spices", "making the curry"), ("warm strawberries", "making jam"),
                             ("garlic and butter", "preparing lunch")])
    return fmt("The kitchen smelled of {s} by the time {N} had finished {d}.", s=smell, d=doing, **p)


MISTAKES = [("open the oven door too early", "the cake may sink"),
            ("overcrowd the pan", "the vegetables will steam instead of browning"),
            ("add the pasta before the water is boiling", "it will turn sticky"),
            ("forget to salt the water", "the pasta will taste flat"),
            ("put hot food straight into the fridge", "it will warm up everything else"),
            ("stir the caramel once the sugar has melted", "it may turn grainy"),
            ("leave the lid on the pan", "the sauce won't thicken")]


@frame(T)
def c_mistake(r):
    a, b = r.choice(MISTAKES)
    return r.choice([f"Don't {a}, or {b}.", f"Try not to {a}; otherwise {b}.",
                     f"If you {a}, {b}.", f"My teacher always said never to {a}, because {b}."])


PRESERVE = [("tomatoes", ["a big pot of sauce", "a tray of roasted tomatoes for the freezer"]),
            ("apples", ["chutney", "three apple pies"]), ("strawberries", ["jam", "a strawberry cake"]),
            ("plums", ["plum jam", "a plum crumble"]), ("cucumbers", ["pickles"]),
            ("lemons", ["lemon curd", "a jug of lemonade"]), ("pears", ["a pear tart"])]


@frame(T)
def c_market(r):
    p = person(r)
    prod, outs = r.choice(PRESERVE)
    n = r.randint(2, 5)
    return fmt("{N} bought {n} kilos of {p} at the market and spent the evening making {o}.", n=num(n), p=prod,
               o=r.choice(outs), **p)


@frame(T)
def c_request(r):
    req = r.choice(["pass me the wooden spoon", "put the kettle on", "check whether the oven is hot",
                    "set the table", "grate some cheese", "open the window a little", "find the big saucepan"])
    task = r.choice(["stir the sauce", "finish chopping the onions", "drain the pasta", "wash these pans",
                     "get the bread out of the oven", "whisk the eggs"])
    return r.choice([f"Could you {req} while I {task}?", f"Would you {req}? I need to {task}."])


@frame(T)
def c_breakfast(r):
    p = person(r)
    food = r.choice(["porridge with honey", "two boiled eggs", "toast and marmalade", "yoghurt with fruit",
                     "leftover rice with a fried egg", "a bowl of cereal", "a cheese sandwich", "scrambled eggs on toast"])
    drink = r.choice(["a large coffee", "a pot of green tea", "orange juice", "a glass of milk", "strong black tea"])
    when = r.choice(["For breakfast", "Before the early shift", "On Saturday morning", "Before the exam"])
    return fmt("{w}, {N} had {f} and {d}.", w=when, f=food, d=drink, **p)


@frame(T)
def c_howlong(r):
    q = r.choice(["roast a chicken of about two kilos", "bake potatoes in their skins", "boil rice without it going mushy",
                  "soak dried beans before cooking them", "leave bread dough to rise", "simmer a beef stew"])
    return r.choice([f"How long do you usually {q}?", f"Does anyone know how long it takes to {q}?"])

# =============================================================================================
# Travel
# =============================================================================================
T = "travel"
hand(T, """
The train wound slowly along the coast, and we had the sea on our left for almost two hours.
We missed the last bus back to the village and had to walk the final three miles in the dark.
The hotel room was tiny, but the view from the window made up for it.
Always keep a photocopy of your passport somewhere separate from the original.
Our ferry left at six in the morning, so we slept in the car at the harbour.
The border crossing took less than five minutes, which surprised all of us.
It's a good idea to learn the word for "thank you" before you arrive anywhere new.
We rented bicycles for the day and rode along the river as far as the next town.
My suitcase went to a different airport and arrived two days after I did.
The night market was full of stalls selling grilled corn, noodles and fresh fruit.
I like arriving in a city early in the morning, before the streets get busy.
We shared the train compartment with a family who offered us half of their picnic.
Is there a left-luggage office at the station, or should we take our bags with us?
The mountain road had so many bends that two of us felt sick by the time we reached the top.
On the flight home, the pilot pointed out the Alps on the right-hand side of the plane.
We stayed in a guesthouse run by an elderly couple who cooked breakfast for every guest.
The ticket machine only took coins, and of course none of us had any.
Travelling with small children takes twice as long and needs three times as many snacks.
""")

PAIRS = [("Lisbon", "Porto"), ("Vienna", "Prague"), ("Edinburgh", "London"), ("Kyoto", "Tokyo"),
         ("Montreal", "Toronto"), ("Seville", "Madrid"), ("Copenhagen", "Stockholm"), ("Dublin", "Galway"),
         ("Krakow", "Warsaw"), ("Milan", "Venice"), ("Boston", "New York"), ("Hanoi", "Hue"),
         ("Melbourne", "Sydney"), ("Oslo", "Bergen"), ("Berlin", "Hamburg"), ("Florence", "Rome")]
CITIES = [c for pair in PAIRS for c in pair]
COUNTRIES = ["Japan", "Canada", "Kenya", "Peru", "Vietnam", "Norway", "Morocco", "Chile", "Portugal",
             "New Zealand", "Greece", "Mexico", "Iceland", "Indonesia"]


@frame(T)
def t_train(r):
    a, b = r.choice(PAIRS)
    if r.random() < 0.5:
        a, b = b, a
    how = r.choice(["the train", "the early train", "a coach", "the afternoon train", "the slow train"])
    arr = r.choice(["just after midnight", "in time for lunch", "an hour late", "as the sun was setting",
                    "earlier than expected", "in the middle of a downpour"])
    return f"We took {how} from {a} to {b} and arrived {arr}."


@frame(T)
def t_didnt_see(r):
    p = person(r)
    n = r.randint(2, 9)
    sight = r.choice(["half of the museums", "the main market", "everything on {his} list", "the botanical gardens",
                      "the old quarter properly", "the famous art gallery", "the view from the highest hill"]).format(**p)
    return fmt("{N} spent {n} days in {c} and still didn't manage to see {s}.", n=num(n), c=r.choice(CITIES), s=sight, **p)


@frame(T)
def t_remember(r):
    prep = r.choice(["check that your passport is still valid", "book the airport transfer",
                     "download the maps so you can use them offline", "tell your bank you'll be abroad",
                     "pack a spare charger", "print the hotel confirmation", "buy travel insurance",
                     "check the baggage allowance"])
    when = r.choice(["you leave", "the trip", "you go abroad", "the holiday", "we fly on Friday", "you set off"])
    start = r.choice(["Remember to", "Don't forget to", "It's worth taking a minute to"])
    return f"{start} {prep} before {when}."


DELAYS = {"train": ["a signal failure", "a problem with the doors", "heavy snow further up the line",
                    "a broken-down train ahead of us", "a tree on the track"],
          "flight": ["fog at the airport", "a technical problem with the plane", "strong crosswinds",
                     "the late arrival of the incoming aircraft", "a strike by air traffic controllers"],
          "ferry": ["rough seas", "a problem with the loading ramp", "high winds in the harbour"]}


@frame(T)
def t_delay(r):
    kind = r.choice(list(DELAYS))
    if r.random() < 0.5:
        d = f"{num(r.randint(2, 6))} hours"
    else:
        d = f"{r.choice([20, 25, 35, 40, 45, 50])} minutes"
    return cap(r.choice([f"our {kind} was delayed by {d} because of {{x}}.",
                         f"because of {{x}}, the {kind} left {d} late."]).format(x=r.choice(DELAYS[kind])))


@frame(T)
def t_airport(r):
    c = r.choice(CITIES)
    return r.choice([f"Is it easy to get from the airport to the city centre in {c}, or should we book a taxi?",
                     f"How long does it take to get from the station to the old town in {c}?",
                     f"Do you know whether the museums in {c} are open on Mondays?"])


@frame(T)
def t_visa(r):
    n = r.choice([14, 30, 60, 90])
    return r.choice([f"Do you know if you need a visa to visit {r.choice(COUNTRIES)} for less than {n} days?",
                     f"Before going to {r.choice(COUNTRIES)}, check how long your passport needs to be valid for."])


ACTS = ["rented bikes", "walked along the old city walls", "took a boat trip round the bay",
        "bought postcards for everyone at home", "had a long lunch by the water", "visited a small local museum",
        "climbed up to the lighthouse", "went swimming one last time", "wandered around the flea market"]


@frame(T)
def t_last_day(r):
    a, b = r.sample(ACTS, 2)
    start = r.choice(["On the last day of the trip,", "On our final morning,", "Before catching the train home,"])
    return f"{start} we {a} and {b}."


PACK = [("a small torch", "the power goes out"), ("a travel adapter", "the sockets are different"),
        ("a paper map", "the phone battery dies"), ("a light raincoat", "the weather turns"),
        ("some snacks", "there is nowhere to buy food"), ("a spare pair of socks", "{his} shoes get wet"),
        ("a pen", "there are forms to fill in at the border"), ("earplugs", "the hotel is noisy")]


@frame(T)
def t_pack(r):
    p = person(r)
    item, why = r.choice(PACK)
    return fmt("{N} always packs {i} when {he} travels, just in case {w}.", i=item, w=why.format(**p), **p)


@frame(T)
def t_lost(r):
    helper = r.choice(["kind shopkeeper", "student on a bicycle", "woman walking her dog",
                       "taxi driver on his break", "man selling newspapers", "pair of schoolchildren"])
    return f"We got lost in {r.choice(CITIES)} on the first evening, but a {helper} pointed us in the right direction."


@frame(T)
def t_drive(r):
    start = r.choice(["It's a long drive to the coast", "It's a five-hour drive to my parents' house",
                      "It's a long way to the campsite", "The road up into the hills takes most of the day"])
    stop = r.choice(["twice for coffee", "at a small village for lunch", "at nearly every viewpoint along the way",
                     "to stretch our legs by a lake", "at a farm shop to buy cheese"])
    return f"{start}, so we stopped {stop}."


@frame(T)
def t_guidebook(r):
    x = r.choice(["the big market on the main square", "the famous seafood restaurant by the harbour",
                  "climbing the tower at noon", "the boat tour that leaves from the bridge"])
    y = r.choice(["try the small bakery behind the station", "go up the hill at sunset",
                  "visit the covered market on the other side of the river", "walk along the canal instead",
                  "take the local bus out to the beach"])
    return f"The guidebook recommended {x}, but the locals told us to {y}."


@frame(T)
def t_arrived(r):
    scene = r.choice(["we walked down to the river for breakfast",
                      "the streets were full of people setting up a market",
                      "it was raining, so we started with a museum",
                      "we slept until ten and missed the walking tour",
                      "we found a café that served the best coffee of the whole trip"])
    return f"We arrived in {r.choice(CITIES)} late at night. The next morning, {scene}."


@frame(T)
def t_by_train(r):
    p = person(r)
    act = r.choice(["read", "watch the countryside go by", "get some work done", "sleep", "write in {his} diary",
                    "walk to the buffet car"]).format(**p)
    return fmt("Travelling by train is slower, but {N} likes being able to {a} on the way.", a=act, **p)


@frame(T)
def t_phrases(r):
    p = person(r)
    purpose = r.choice(["order food", "ask for directions", "thank people properly", "buy train tickets without help",
                        "chat with the owners of the guesthouse"])
    return fmt("Before {N} went to {c}, {he} learned a few phrases so that {he} could {x}.",
               c=r.choice(COUNTRIES), x=purpose, **p)

# =============================================================================================
# Work
# =============================================================================================
T = "work"
hand(T, """
The meeting was supposed to last half an hour, but it went on until lunchtime.
Our office moved to the fourth floor, and the lift is always full at nine o'clock.
She has worked night shifts at the hospital for six years and still prefers them to days.
The new coffee machine in the staff kitchen has made everyone noticeably more cheerful.
Please save your files to the shared drive rather than to your desktop.
He spent the whole morning answering emails and still had forty left by noon.
Most of the team will be away in August, so we have to finish the project by the end of July.
The builders start at half past seven, and they are usually gone by four.
After the training course, everyone had to pass a short test before using the new machines.
I'm working from home today because the trains are on strike.
The company pays for one training course a year for every member of staff.
She turned down the promotion because it would have meant moving to another city.
On Fridays the office closes an hour early, and most people go for a drink together.
The night before a big presentation, I always practise it out loud at least twice.
There are more than two hundred people working at the factory, many of them from nearby villages.
The job advert asked for three years of experience and a full driving licence.
Nobody likes writing the minutes, so we take turns.
The shop assistant had been on her feet for nine hours by the time the last customer left.
""")


@frame(T)
def wk_meeting(r):
    p = person(r)
    whom = r.choice(["the new client", "the finance team", "{his} manager", "two people from the council",
                     "the suppliers", "the design team"]).format(**p)
    topic = r.choice(["next year's budget", "the delays on the project", "the new office layout",
                      "the results of the staff survey", "plans for the product launch", "the schedule for the summer",
                      "who will cover the holidays"])
    return fmt("{N} has a meeting with {w} at {t} to discuss {x}.", w=whom, t=r.choice(CLOCK), x=topic, **p)


@frame(T)
def wk_deadline(r):
    rep = r.choice(["quarterly report", "funding application", "design proposal", "annual review",
                    "client presentation", "tender document", "safety audit"])
    n = r.randint(2, 6)
    return r.choice([f"The deadline for the {rep} has been moved to {r.choice(DAYS)}, which gives us {num(n)} extra days.",
                     f"We have {num(n)} days left to finish the {rep}, and nobody has started the last section."])


@frame(T)
def wk_new_job(r):
    p = person(r)
    place = r.choice(["a small architecture firm", "the city hospital", "a local newspaper", "a logistics company",
                      "a bakery near the station", "an engineering company", "a primary school", "the town library",
                      "a hotel on the seafront"])
    x = r.choice(["the early starts", "the long commute", "all the new names", "the way things are done there",
                  "having a proper lunch break again", "wearing a uniform"])
    return fmt("{N} started {his} new job at {pl} in {m} and is still getting used to {x}.", pl=place,
               m=r.choice(MONTHS), x=x, **p)


@frame(T)
def wk_send(r):
    doc, it = r.choice([("the latest version of the slides", "it"), ("the notes from yesterday", "them"),
                        ("the draft contract", "it"), ("the figures for last month", "them"), ("the agenda", "it"),
                        ("the list of attendees", "it"), ("your comments on the report", "them")])
    return f"Could you send me {doc} before {r.choice(CLOCK)}? I'd like to read {it} before the meeting."


@frame(T)
def wk_home(r):
    d = r.choice(["Monday", "Friday", "Wednesday"])
    state = r.choice(["very quiet", "almost empty", "a good place to concentrate", "never short of free desks"])
    return f"Most of the team works from home on {d}s, so the office is {state}."


@frame(T)
def wk_career(r):
    p = person(r)
    job = r.choice(["a nurse", "an accountant", "a chef", "a lorry driver", "a teacher", "a software developer",
                    "a journalist", "an electrician", "a bank clerk", "a postman"])
    if job == "a postman" and p["he"] == "she":
        job = "a postwoman"
    change = r.choice(["retrain as a carpenter", "open a small café", "go back to university",
                       "start {his} own business", "move to a part-time role", "take a year off to travel",
                       "become a teacher"]).format(**p)
    if change == "become a teacher" and job == "a teacher":
        change = "become a head teacher"
    return fmt("After {n} years as {j}, {N} decided to {c}.", n=num(r.randint(3, 20)), j=job, c=change, **p)


@frame(T)
def wk_printer(r):
    p = person(r)
    prob = r.choice(["has run out of toner", "is jammed", "isn't connecting to the network", "keeps printing blank pages"])
    fix = r.choice(["walked down to the one in reception", "asked a colleague to print the document",
                    "decided to send the file by email instead", "gave up and read the report on screen"])
    fl = r.choice(["second", "third", "fourth", "fifth"])
    return fmt("The printer on the {f} floor {p} again, so {N} {x}.", f=fl, p=prob, x=fix, **p)


@frame(T)
def wk_unless(r):
    cond = r.choice(["hire another designer", "get the test results back soon", "sort out the problem with the supplier",
                     "agree on the budget this week", "find a bigger warehouse"])
    goal = r.choice(["finish the project", "launch the new website", "open the second shop",
                     "deliver the first batch of orders", "move into the new building"])
    return f"Unless we {cond}, we won't be able to {goal} by the end of the month."


GER = ["answering emails", "visiting building sites", "checking invoices", "training new staff", "planning deliveries",
       "writing reports", "meeting suppliers", "fixing broken machines", "talking to customers", "organising rotas"]


@frame(T)
def wk_involves(r):
    p = person(r)
    a, b = r.sample(GER, 2)
    c = r.choice(["phone calls", "paperwork", "driving", "waiting around", "meetings", "walking"])
    return fmt("{N}'s job involves {a}, {b} and a lot of {c}.", a=a, b=b, c=c, **p)


@frame(T)
def wk_interview(r):
    p = person(r)
    q = r.choice(["{his} previous job", "a difficult project {he} had managed", "how {he} handles pressure",
                  "why {he} wanted to leave {his} last job"]).format(**p)
    w = r.choice(["{he} could start in March", "{he} was happy to travel", "{he} would mind working some weekends",
                  "{he} had a driving licence"]).format(**p)
    return fmt("In the interview, they asked {N} about {q} and whether {w}.", q=q, w=w, **p)


@frame(T)
def wk_closed(r):
    d = f"{r.choice(DAYS[:5])} the {ordinal(r.randint(1, 28))} of {r.choice(MONTHS)}"
    why = r.choice(["the public holiday", "maintenance work on the heating", "the staff training day",
                    "an electrical inspection", "the move to the new building"])
    return f"The office will be closed on {d} for {why}."


@frame(T)
def wk_shift(r):
    p = person(r)
    t = r.choice(["six", "seven", "two in the afternoon", "ten at night", "half past five"])
    purpose = r.choice(["have a coffee", "read the handover notes", "get changed", "talk to the night team",
                        "check the delivery list"])
    return fmt("The shift starts at {t}. {N} usually arrives {m} minutes early to {x}.", t=t,
               m=num(r.choice([10, 15, 20])), x=purpose, **p)


@frame(T)
def wk_manager(r):
    x = r.choice(["fill in the staff survey", "update their contact details", "book their summer leave",
                  "clear their desks before the move", "finish the safety training", "test the new booking system"])
    who = r.choice(["Our manager", "The head of department", "The office manager", "The director"])
    return f"{who} asked everyone to {x} before the end of the week."


@frame(T)
def wk_unsure(r):
    p = person(r)
    x = r.choice(["a dentist appointment", "working from home", "a training course", "visiting a client in the afternoon",
                  "taking the day off"])
    return fmt("I'm not sure whether {N} is in today; {he} mentioned something about {x}.", x=x, **p)

# =============================================================================================
# School and university
# =============================================================================================
T = "school"
hand(T, """
The school bell rings at ten to nine, and the gates close five minutes later.
Our teacher read us a chapter of a novel every Friday afternoon.
The exam hall was so quiet that you could hear the clock ticking.
He learned his times tables by singing them in the car on the way to school.
The library lets students borrow up to six books at a time.
Group projects are easier when everyone agrees on who does what at the start.
The science lab smelled of burnt matches and floor polish.
She was nervous about her first day at the new school, but by lunchtime she had made two friends.
The headteacher gave a short speech at the end of term and wished everyone a good summer.
Homework is due on Thursday, and late work loses ten percent of its marks.
Could you explain the difference between a simile and a metaphor?
The students planted a small vegetable garden behind the sports hall.
At university, I learned more from the library than from most of my lectures.
The school play was a musical this year, and half the class auditioned.
Every pupil in the class had to give a five-minute talk about a hobby.
Our geography teacher took us to the river to measure how fast the water was flowing.
The term starts in September and finishes just before Christmas.
""")
SUBJ_TOPICS = {
    "history": ["the Industrial Revolution", "ancient Egypt", "how medieval towns were run", "the Roman army"],
    "biology": ["how plants make their food", "the human heart", "food chains in a pond", "how cells divide"],
    "geography": ["rivers and how they shape valleys", "different climate zones", "why cities grow near coasts",
                  "how volcanoes form"],
    "maths": ["fractions and percentages", "the area of a circle", "simple equations", "probability"],
    "chemistry": ["acids and alkalis", "the periodic table", "how metals react with water"],
    "physics": ["forces and motion", "electric circuits", "how sound travels", "light and lenses"],
    "English": ["persuasive writing", "war poetry", "how to structure an essay", "a play by Shakespeare"],
    "art": ["perspective drawing", "printmaking", "portraits"],
    "music": ["rhythm and metre", "the instruments of the orchestra"],
    "computing": ["how to write simple programs", "how the internet works"],
}
SUBJECTS = list(SUBJ_TOPICS)


@frame(T)
def sc_test(r):
    p = person(r)
    prep = r.choice(["revising every evening", "making flashcards", "going through past papers",
                     "asking {his} older sister for help", "working with a friend from class",
                     "trying not to think about it"]).format(**p)
    s = r.choice(SUBJECTS)
    return fmt("{N} has {a} {s} test on {d}, so {he} is {x}.", a=a_an(s), s=s, d=r.choice(WEEKDAYS), x=prep, **p)


@frame(T)
def sc_teacher(r):
    x = r.choice(["starts every lesson with a short quiz", "lets us choose our own project topics",
                  "always writes the homework on the board", "reads a poem aloud on Fridays",
                  "takes the class outside when it's sunny", "never raises her voice",
                  "marks everything in green ink", "plays music while we work"])
    return f"Our {r.choice(SUBJECTS)} teacher {x}."


@frame(T)
def sc_trip(r):
    place = r.choice(["the science museum", "the coast", "a farm outside town", "the city archives",
                      "the botanical gardens", "a theatre in the city", "the old castle"])
    a, b = r.sample(["a packed lunch", "a waterproof jacket", "a signed permission form", "comfortable shoes",
                     "a notebook", "some money for the bus"], 2)
    d = f"the {ordinal(r.randint(2, 28))} of {r.choice(MONTHS)}"
    return f"The school trip to {place} is on {d}, and students need to bring {a} and {b}."


@frame(T)
def sc_homework(r):
    p = person(r)
    why = r.choice(["the internet was down all evening", "{he} had football practice until late",
                    "{he} misunderstood the question", "{he} left {his} book at school",
                    "{he} was helping {his} grandmother move house"]).format(**p)
    return fmt("{N} didn't finish {his} {s} homework because {w}.", s=r.choice(SUBJECTS), w=why, **p)


@frame(T)
def sc_learning(r):
    s = r.choice(SUBJECTS)
    t = r.choice(SUBJ_TOPICS[s])
    when = r.choice(["this term", "at the moment", "this week", "this half-term"])
    who = r.choice(["we are learning about", "my class is studying", "the students are looking at"])
    return f"In {s} {when}, {who} {t}."


@frame(T)
def sc_library(r):
    p = person(r)
    t = r.choice(["eight", "nine", "ten"])
    return fmt("The library is open until {t} during exam season, so {N} often stays there after {x}.",
               t=t, x=r.choice(["lessons", "lectures", "football practice", "{his} seminar"]).format(**p), **p)


@frame(T)
def sc_explain(r):
    c = r.choice(["how to find the common denominator", "the difference between weather and climate",
                  "what photosynthesis actually does", "how to balance a chemical equation", "why the seasons change",
                  "when to use a semicolon", "how to work out the area of a triangle"])
    return r.choice([f"Could you explain {c} again? I didn't quite follow it in class.",
                     f"I still don't understand {c}, even after reading the chapter twice."])


@frame(T)
def sc_count(r):
    p = person(r)
    n = r.randint(18, 32)
    m = r.randint(3, n - 5)
    how = r.choice(["walk to school", "have a younger brother or sister", "play a musical instrument", "cycle to school"])
    return fmt("There are {n} pupils in {N}'s class, and {m} of them {h}.", n=n, m=m, h=how, **p)


@frame(T)
def sc_parents(r):
    p = person(r)
    fb = r.choice(["reads very well for {his} age", "should ask more questions in class",
                   "has made a lot of progress in maths", "works well in groups but needs to check {his} spelling",
                   "is always kind to the younger pupils", "talks too much during lessons"]).format(**p)
    return fmt("At parents' evening, the teacher said that {N} {f}.", f=fb, **p)


@frame(T)
def sc_memory(r):
    p = person(r)
    m = r.choice(["sang in the choir", "played the clarinet, rather badly", "won a prize for a story about a lighthouse",
                  "spent most lunch breaks in the library", "ran the school newspaper", "was captain of the chess team",
                  "hated cross-country running"])
    return fmt("When {N} was at school, {he} {m}.", m=m, **p)


@frame(T)
def sc_uni(r):
    p = person(r)
    yr = r.choice(["first", "second", "third", "final"])
    subj = r.choice(["geology", "law", "nursing", "mechanical engineering", "French and Spanish", "economics",
                     "architecture", "marine biology", "history of art", "medicine"])
    extra = r.choice(["", ", and {he} works in a café at weekends", ", and {he} shares a house with four other students",
                      ", and {he} is writing a long essay on coastal erosion"
                      if subj == "geology" else ", and {he} spends most evenings in the library"]).format(**p)
    return fmt("{N} is in {his} {y} year at university, studying {s}{e}.", y=yr, s=subj, e=extra, **p)


@frame(T)
def sc_after_lesson(r):
    p = person(r)
    s = r.choice(SUBJECTS)
    t = r.choice(SUBJ_TOPICS[s])
    after = r.choice(["went to the library to read more about it", "asked the teacher for a book on it",
                      "explained it all to {his} little brother at dinner", "drew a diagram of it in {his} notebook"]).format(**p)
    return fmt("Today's {s} lesson was about {t}. Afterwards, {N} {a}.", s=s, t=t, a=after, **p)


@frame(T)
def sc_term(r):
    d = f"{r.choice(DAYS[:5])} the {ordinal(r.randint(1, 9))} of {r.choice(['January', 'April', 'September'])}"
    extra = r.choice(["the uniform shop will be open the week before", "new pupils can visit the school on the Friday before",
                      "the first week will have shorter days", "buses will run to the usual timetable"])
    return f"The new term begins on {d}, and {extra}."

# =============================================================================================
# Science facts (every fact here is true, in simple school-level wording)
# =============================================================================================
T = "science"
hand(T, """
A year is the time the Earth takes to travel once around the Sun.
The scientist repeated the experiment three times to make sure the result was not a fluke.
Most of the Earth's fresh water is locked up in ice sheets and glaciers.
If you mix blue and yellow paint, you get green.
Thermometers used to contain mercury, but most now use alcohol or electronic sensors.
A magnifying glass works by bending light so that objects look larger.
The astronauts on the space station see around sixteen sunrises every day.
Why does the sky look blue during the day but red at sunset?
A good experiment changes only one thing at a time, so you can tell what caused the result.
Clouds are made of tiny droplets of water or crystals of ice.
The hospital's new scanner uses strong magnets and radio waves to take pictures inside the body.
Some metals, such as iron and nickel, are attracted to magnets, while copper and aluminium are not.
Scientists often publish their results so that others can check and repeat their work.
Under a microscope, a drop of pond water turned out to be full of tiny moving creatures.
The seeds we planted on the windowsill grew faster than the ones in the dark cupboard.
""")

FACTS = [
    "water boils at 100 degrees Celsius at sea level",
    "light from the Sun takes about eight minutes to reach the Earth",
    "sound travels faster through water than through air",
    "plants take in carbon dioxide and release oxygen when they make food from sunlight",
    "an adult human skeleton usually has 206 bones",
    "Mars looks red because its surface is rich in iron oxide",
    "Jupiter is the largest planet in our solar system",
    "a day on Venus lasts longer than a year on Venus",
    "diamonds and graphite are both made of carbon",
    "honey keeps for a very long time because it contains so little water",
    "octopuses have three hearts",
    "bats can find their way in the dark by listening to the echoes of their own calls",
    "a bolt of lightning is several times hotter than the surface of the Sun",
    "the Earth takes about 365 and a quarter days to travel around the Sun",
    "ice floats because it is less dense than liquid water",
    "salt water freezes at a lower temperature than fresh water",
    "the Pacific is the largest and deepest ocean on Earth",
    "a rainbow appears when sunlight is bent and reflected inside raindrops",
    "copper conducts electricity very well, which is why it is used in so many wires",
    "vaccines train the immune system to recognise a particular germ",
    "antibiotics work against bacteria but not against viruses",
    "DNA carries the instructions for building and running living things",
    "the Sun is a star that is roughly four and a half billion years old",
    "Mount Everest is the highest mountain above sea level",
    "sharks have been around for longer than trees",
    "whales are mammals, so they breathe air and feed their young on milk",
    "the Earth's core is made mostly of iron and nickel",
    "oxygen makes up about a fifth of the air we breathe",
    "most of the air around us is nitrogen",
    "light travels at about 300,000 kilometres per second",
    "honeybees tell each other where to find flowers by doing a kind of dance",
    "almost all wild penguins live in the Southern Hemisphere",
    "sound cannot travel through empty space",
    "the tides are caused mainly by the pull of the Moon's gravity",
    "the Moon always shows the same face to the Earth",
    "most metals expand when they are heated",
    "the smallest bones in the human body are inside the ear",
    "the skin is the largest organ of the human body",
    "tomatoes are fruits in the botanical sense, because they contain seeds",
    "bananas are very slightly radioactive because they contain potassium",
    "ordinary glass is made mainly from sand",
    "some trees can live for thousands of years",
    "earthquakes happen when rocks along a fault suddenly slip past each other",
    "water expands when it freezes, which is why frozen pipes can burst",
    "hot air rises because it is less dense than the cooler air around it",
    "rust forms when iron reacts with oxygen and water",
    "the seasons happen because the Earth's axis is tilted",
    "a compass needle points towards the Earth's magnetic north pole",
    "the blue whale is the largest animal known to have ever lived",
    "camels store fat, not water, in their humps",
    "chlorophyll is what makes leaves green",
    "some birds fly thousands of kilometres every year when they migrate",
    "the human brain uses about a fifth of the body's energy",
    "Venus is the hottest planet in the solar system, even though Mercury is closer to the Sun",
    "the Milky Way contains hundreds of billions of stars",
    "footprints left on the Moon can last for a very long time because there is no wind to wear them away",
    "Saturn's rings are made mostly of chunks of ice and rock",
    "a leap year has 366 days instead of 365",
    "there is no sound on the Moon because it has almost no atmosphere",
    "the heart of an adult at rest usually beats between sixty and a hundred times a minute",
    "the nearest star to the Earth, apart from the Sun, is more than four light years away",
    "electric eels can produce a shock strong enough to stun their prey",
    "a snail can sleep for a long time when the weather is too dry",
    "spiders are not insects, because they have eight legs rather than six",
]
FACT_FRAMES = ["{F}.", "Did you know that {f}?", "In class we learned that {f}.",
               "{N} told me that {f}, which I hadn't known.", "It surprised me to learn that {f}.",
               "One thing I remember from school is that {f}.", "My science teacher once explained that {f}.",
               "People are often surprised to hear that {f}.", "It's a well-known fact that {f}.",
               "The documentary explained that {f}."]
_fact_uses: Counter = Counter()


@frame(T)
def sci_fact(r):
    for _ in range(50):
        fact = r.choice(FACTS)
        if _fact_uses[fact] < 3:
            break
    _fact_uses[fact] += 1
    p = person(r)
    return r.choice(FACT_FRAMES).format(F=cap(fact), f=fact, **p)


sci_fact2 = frame(T)(lambda r: sci_fact(r))  # facts are the core of the topic: give them two turns


@frame(T)
def sci_experiment(r):
    p = person(r)
    q = r.choice(["plants grow faster with music playing", "salt water freezes more slowly than fresh water",
                  "a heavy ball really falls faster than a light one", "seeds need light to start growing",
                  "ice melts faster in salty water", "paper towels of different brands soak up the same amount of water"])
    who = r.choice(["For the science fair, {N}", "In the lab this morning, {N}", "For {his} homework project, {N}",
                    "As part of a class project, {N}"]).format(**p)
    return f"{who} set up an experiment to find out whether {q}."


@frame(T)
def sci_measure(r):
    what = r.choice(["the temperature of the water", "the number of insects", "the amount of rainfall",
                     "the level of pollution", "the height of the sea grass", "the amount of birdsong"])
    where = r.choice(["at twelve sites along the river", "in four different parks", "at the edge of the forest",
                      "on both sides of the motorway", "in the bay"])
    n = r.randint(2, 15)
    return f"Researchers measured {what} {where} every month for {num(n)} years."


@frame(T)
def sci_telescope(r):
    obj = r.choice(["Jupiter and four of its moons", "the rings of Saturn", "the craters on the Moon",
                    "a faint comet near the horizon", "the Andromeda galaxy as a small smudge of light"])
    who = r.choice(["we", "the astronomy club", "my brother and I", "the whole class"])
    return cap(f"Through the telescope at the observatory, {who} could see {obj}.")


@frame(T)
def sci_why(r):
    q = r.choice(["why the sea is salty", "how birds know where to migrate", "why we yawn",
                  "what makes the Moon look bigger near the horizon", "why onions make you cry",
                  "how aeroplanes stay in the air", "why some people are left-handed"])
    return r.choice([f"Have you ever wondered {q}?", f"I've always wanted to know {q}.",
                     f"The children asked me {q}, and I had to look it up."])


@frame(T)
def sci_result(r):
    find = r.choice(["the mice that exercised slept better", "the bacteria grew more slowly in the cold",
                     "the new material was stronger than steel of the same weight",
                     "the bees visited the blue flowers more often than the yellow ones",
                     "the samples from the deep lake contained almost no oxygen"])
    start = r.choice(["The study found that", "After six months, the team found that",
                      "To everyone's surprise, the results showed that", "The first results suggest that"])
    return f"{start} {find}."

TRY = [("heat an ice cube in a pan", "it melts and then turns to steam"),
       ("rub a balloon on a woollen jumper", "it picks up a static charge and can stick to a wall"),
       ("put a straw in a glass of water", "it looks bent, because light changes direction as it leaves the water"),
       ("leave a cut apple on the table", "it turns brown as it reacts with the air"),
       ("mix vinegar and baking soda", "the mixture fizzes and gives off carbon dioxide"),
       ("put a plant on a sunny windowsill", "its leaves slowly turn towards the light"),
       ("blow across the top of an empty bottle", "the air inside vibrates and makes a note"),
       ("put a drop of food colouring into hot and cold water", "it spreads much faster in the hot water"),
       ("hold a spoon in a cup of hot tea", "the handle soon gets warm, because metal conducts heat")]


@frame(T)
def sci_try(r):
    a, b = r.choice(TRY)
    return r.choice([f"If you {a}, {b}.", f"When you {a}, {b}.", f"Try this at home: {a}, and you'll find that {b}."])


FIELDS = [("marine biologist", ["counting seals on the islands", "diving to study the kelp forests"]),
          ("geologist", ["collecting rock samples in the mountains", "mapping old lava flows"]),
          ("astronomer", ["working nights at an observatory in the desert", "looking for planets around distant stars"]),
          ("botanist", ["recording wild orchids in the hills", "studying how trees cope with dry summers"]),
          ("volcanologist", ["measuring the gases that come out of volcanoes", "placing sensors on the slopes of volcanoes"]),
          ("zoologist", ["tracking wolves with radio collars", "studying how bats find their food"])]


@frame(T)
def sci_researcher(r):
    p = person(r)
    field, acts = r.choice(FIELDS)
    return fmt("{N} is {a} {f} and spends most summers {x}.", a=a_an(field), f=field, x=r.choice(acts), **p)


HYP = [("heavier paper planes would fly further", "the lightest plane flew furthest"),
       ("the seeds would grow faster in warm water", "there was almost no difference"),
       ("dark colours would warm up faster in the sun", "the black tin was warmest after an hour"),
       ("the bread would go mouldy faster in the fridge", "it lasted longer in the fridge"),
       ("salt would make the ice melt more quickly", "the salted ice melted first")]


@frame(T)
def sci_hypothesis(r):
    p = person(r)
    h, res = r.choice(HYP)
    return fmt("{N}'s prediction was that {h}, and the results showed that {x}.", h=h, x=res, **p)


@frame(T)
def sci_safety(r):
    a, b = r.sample(["safety glasses", "a lab coat", "gloves", "their hair tied back"], 2)
    who = r.choice(["the students", "everyone in the class", "the pupils", "the visitors"])
    return f"Before the experiment started, {who} had to put on {a} and {b}." if "hair" not in a + b else \
        f"Before the experiment started, {who} needed {a} and {b}."


@frame(T)
def sci_news(r):
    obj = r.choice(["a distant galaxy", "the surface of Mars", "a comet passing the Sun", "storms on Jupiter",
                    "a newly discovered species of frog", "the deepest part of the ocean"])
    start = r.choice(["The news showed new pictures of", "There was a programme last night about", "The magazine had an article about"])
    return f"{start} {obj}, and the children wanted to know everything about it."

# =============================================================================================
# History (true facts, plus clearly fictional local-history narration)
# =============================================================================================
T = "history"
hand(T, """
The old school building on the hill was used as a hospital during both world wars.
For hundreds of years, the only way across the river was a ferry that ran from dawn until dusk.
My grandfather could remember the day the first television arrived in his street.
The town's oldest house has a date carved above the door, but historians think it is even older.
When the factory closed, hundreds of families moved away in search of work.
Before the railway came, a letter from the capital took about a week to reach the village.
The museum has a collection of letters written by soldiers to their families.
In the Middle Ages, most people never travelled more than a day's walk from where they were born.
The market cross in the square marks the place where traders once paid their taxes.
Many streets in the old town are still named after the trades that were practised there.
People once believed that the river could cure illnesses, and pilgrims came from far away to bathe in it.
The photographs show the harbour crowded with fishing boats, most of which have long since gone.
Ancient Egyptians wrote using hieroglyphs, small pictures that stood for sounds and ideas.
The Rosetta Stone helped scholars to read Egyptian hieroglyphs again.
""")
HIST_FACTS = [
    "the first modern Olympic Games were held in Athens in 1896",
    "the Berlin Wall fell in November 1989",
    "Apollo 11 landed on the Moon in July 1969",
    "the Great Fire of London broke out in September 1666",
    "the Titanic sank in April 1912 on its first voyage",
    "the printing press that Johannes Gutenberg developed changed how books were made in fifteenth-century Europe",
    "the Romans built roads that stretched across much of Europe",
    "the Great Wall of China was built and rebuilt over many centuries",
    "the Eiffel Tower was completed in 1889",
    "the First World War ended in November 1918",
    "the Second World War ended in 1945",
    "the Wright brothers made their first powered flight in 1903",
    "the great pyramids of Giza were built more than four thousand years ago",
    "Magna Carta was sealed in 1215",
    "the Panama Canal opened in 1914",
    "women in New Zealand won the right to vote in 1893",
    "the Suez Canal opened in 1869",
    "the United Nations was founded in 1945",
    "Nelson Mandela was released from prison in 1990",
    "Alexander Fleming discovered penicillin in 1928",
    "the Black Death swept across Europe in the middle of the fourteenth century",
    "the Channel Tunnel between England and France opened in 1994",
    "Tim Berners-Lee proposed the World Wide Web in 1989",
    "Marie Curie was the first person to win Nobel Prizes in two different sciences",
    "the Colosseum in Rome could hold tens of thousands of spectators",
    "Yuri Gagarin became the first person to travel into space in 1961",
    "the Stockton and Darlington Railway opened in 1825",
    "the Great Depression began after the stock market crash of 1929",
]
HFACT_FRAMES = ["{F}.", "Our history teacher reminded us that {f}.", "I was reading last night that {f}.",
                "My grandfather likes to remind everyone that {f}.",
                "The exhibition explains that {f}.", "According to the book I'm reading, {f}.",
                "Did you know that {f}?"]
_hfact_uses: Counter = Counter()


@frame(T)
def h_fact(r):
    for _ in range(50):
        fact = r.choice(HIST_FACTS)
        if _hfact_uses[fact] < 3:
            break
    _hfact_uses[fact] += 1
    return r.choice(HFACT_FRAMES).format(F=cap(fact), f=fact)


TOWNS = ["Ashford", "Millbrook", "Kelby", "Dunmore", "Harwick", "Elmsley", "Stonebridge", "Larkfield",
         "Bramwell", "Corran", "Westmere", "Fallowby"]


TOWN_EVENTS = [("built its first stone bridge across the river", 1760, 1850),
               ("opened a small public library in the old corn exchange", 1850, 1930),
               ("was almost destroyed by a flood", 1760, 1955), ("held its first summer fair", 1760, 1950),
               ("got its first railway station", 1840, 1900), ("lost a third of its people to a fever", 1760, 1870),
               ("elected its first woman mayor", 1925, 1960), ("put up gas lamps along the main street", 1820, 1880),
               ("opened its first cinema in a converted chapel", 1910, 1935)]


@frame(T)
def h_town(r):
    ev, y0, y1 = r.choice(TOWN_EVENTS)
    year = r.randint(y0, y1)
    start = r.choice(["In {y}, the town of {t}", "Local records show that in {y} {t}", "According to the parish records, {t}",
                      "It was in {y} that {t}"])
    s = start.format(y=year, t=r.choice(TOWNS)) + " " + ev
    if "parish" in start:
        s += f" in {year}"
    return s + "."


FULLNAMES = ["Thomas Hale", "Margaret Ellery", "Samuel Okafor", "Agnes Whitlow", "Henry Marsh", "Ellen Price",
             "Joseph Carver", "Martha Lind", "William Ashe", "Catherine Doyle"]


@frame(T)
def h_person(r):
    who = r.choice(["a young clerk", "a schoolteacher", "a widowed farmer", "a lighthouse keeper", "a shopkeeper",
                    "a printer's apprentice"])
    names = FULLNAMES if who in ("a schoolteacher", "a widowed farmer", "a lighthouse keeper", "a shopkeeper") \
        else [n for n in FULLNAMES if n.split()[0] in ("Thomas", "Samuel", "Henry", "Joseph", "William")]
    did = r.choice(["walked forty miles to deliver a petition to the governor", "started a night school for factory workers",
                    "kept a diary that historians still read today", "drew the first accurate map of the coastline",
                    "saved the town's records from a fire", "collected hundreds of local songs and stories"])
    season = r.choice(["In the winter of", "In the spring of", "Sometime around", "In the summer of"])
    return f"{season} {r.randint(1780, 1910)}, {who} named {r.choice(names)} {did}."


BUILDINGS = {"The old mill": ["the river changed course", "a larger mill opened in the city", "a fire destroyed the roof"],
             "The iron bridge": ["it was no longer safe for lorries", "a wider bridge was built next to it"],
             "The old town hall": ["the council moved to a new building", "a fire destroyed most of the upper floor"],
             "The brewery by the river": ["a larger brewery bought the business and closed it", "the owners ran out of money"],
             "The lighthouse": ["a new light was built further along the coast", "the harbour was closed to shipping"]}


@frame(T)
def h_mill(r):
    thing = r.choice(list(BUILDINGS))
    y1 = r.randint(1785, 1880)
    y2 = y1 + r.randint(40, 110)
    verb = r.choice(["was built", "was finished", "was opened"])
    return f"{thing} {verb} in {y1} and was used until {y2}, when {r.choice(BUILDINGS[thing])}."


ROLES = [("the little port", "the main way in for goods from abroad", "the harbour silted up"),
         ("the wool market", "the busiest place in the county", "cheap cloth began to arrive by rail"),
         ("the old road over the hills", "the main route for traders heading north", "the railway arrived in the 1850s"),
         ("the ford below the church", "the only place to cross the river for miles", "a new bridge was built downstream"),
         ("the abbey", "the centre of learning for the whole region", "it was closed and its lands were sold")]


@frame(T)
def h_roles(r):
    place, role, change = r.choice(ROLES)
    start = r.choice(["For centuries,", "For hundreds of years,", "Long before anyone alive today was born,"])
    return f"{start} {place} was {role}, until {change}."


@frame(T)
def h_disagree(r):
    m = r.choice(["the settlement was abandoned so suddenly", "the tower was never finished",
                  "the ship changed course on its last voyage", "the town's records stop in 1643",
                  "the stone circle was built where it was", "the king changed his mind at the last moment"])
    return r.choice([f"Historians still disagree about why {m}.", f"Nobody really knows why {m}."])


@frame(T)
def h_object(r):
    obj = r.choice(["a bronze brooch", "a set of carved chess pieces", "a leather shoe", "a painted pottery jug",
                    "a silver coin", "an iron key", "a child's wooden toy"])
    cent = r.choice(["twelfth", "fourteenth", "fifteenth", "sixteenth", "eighteenth"])
    finder = r.choice(["a farmer ploughing his field", "two children playing by the river", "builders digging new foundations",
                       "a man walking his dog on the beach", "a volunteer with a metal detector"])
    return f"The museum's collection includes {obj} from the {cent} century, found by {finder}."


@frame(T)
def h_war(r):
    scene = r.choice(["the school was used as a hospital", "children from the city were sent to live on farms nearby",
                      "the church bells were silent for almost five years", "the park was dug up to grow vegetables",
                      "the railings were taken away and melted down", "the women of the town ran the fire service"])
    return f"During the war, {scene}."


@frame(T)
def h_family(r):
    rel = r.choice(["My great-grandmother", "My great-grandfather", "My grandmother's uncle", "Our neighbour's father"])
    arrived = r.choice(["arrived in {c} in {y} with two suitcases and the address of a cousin",
                        "left home at fourteen in {y} to work on the ships",
                        "opened a small shop in {c} in {y}, and it stayed in the family for decades",
                        "came to {c} in {y} to study, and never went back"]).format(c=r.choice(CITIES), y=r.randint(1890, 1965))
    return f"{rel} {arrived}."

# =============================================================================================
# Sport
# =============================================================================================
T = "sports"
hand(T, """
In tennis, a game has to be won by two clear points.
A marathon is just over 42 kilometres long.
The referee blew the final whistle, and the home fans ran on to the pitch.
A football team has eleven players on the pitch, including the goalkeeper.
She swims forty lengths before breakfast three times a week.
The cricket match was stopped for rain just as it was getting exciting.
My brother has supported the same team since he was six, even though they rarely win.
The local park has free outdoor table tennis tables in the summer.
Cycling up the hill is hard, but the ride back down takes about five minutes.
A basketball team has five players on the court at a time.
The ski slopes opened early this year because of the heavy snow in November.
The crowd went completely silent as she took the final penalty.
Our running club meets outside the library every Wednesday at half past six.
He broke his wrist playing rugby and had to wear a cast for six weeks.
Golf is one of the few sports where the lowest score wins.
A volleyball team can touch the ball up to three times before sending it back over the net.
The Tour de France usually lasts three weeks and covers more than three thousand kilometres.
""")
TEAMS = ["Riverside United", "the Harbour Hawks", "Northfield Rovers", "the city team", "our local club",
         "the Eastbrook Eagles", "Westmere Athletic", "the university side"]


@frame(T)
def sp_result(r):
    a, b = r.sample(TEAMS, 2)
    x, y = r.randint(1, 4), 0
    y = r.randint(0, x - 1)
    p = person(r)
    what = r.choice(["the winning goal in the last minute", "twice in the first half", "a header from a corner",
                     "a penalty just after half-time"])
    if x == 1 and what == "twice in the first half":
        what = "the only goal"
    return cap(fmt("{a} beat {b} {x}-{y} on {d}, with {N} scoring {w}.", a=a, b=b, x=x, y=y, d=r.choice(DAYS), w=what, **p))


RACES = [("city half marathon", [8, 10, 12, 15]), ("charity 10K", [3, 5, 6]), ("marathon in the autumn", [15, 20, 25]),
         ("fun run in the park", [2, 3, 4]), ("triathlon next spring", [5, 8, 10])]


@frame(T)
def sp_train(r):
    p = person(r)
    race, ks = r.choice(RACES)
    return fmt("{N} runs {k} kilometres every {d} to train for the {r}.", k=num(r.choice(ks)),
               d=r.choice(["morning", "other day", "Sunday", "evening after work"]), r=race, **p)


@frame(T)
def sp_postponed(r):
    what = r.choice(["The match", "Saturday's game", "The cup final", "The school sports day", "The race"])
    verb = r.choice(["was postponed", "was called off", "had to be moved to next week"])
    why = r.choice(["because the pitch was waterlogged", "because of heavy snow", "because the floodlights failed",
                    "because of high winds", "after a burst pipe flooded the changing rooms"])
    if what in ("The race", "The school sports day") and "pitch" in why:
        why = "because of the storm"
    return f"{what} {verb} {why}."


@frame(T)
def sp_took_up(r):
    p = person(r)
    sport = r.choice(["swimming", "tennis", "rowing", "climbing", "table tennis", "judo", "cycling", "badminton",
                      "netball", "hockey"])
    x = r.choice(["trains three times a week", "coaches the junior team at the local club",
                  "competes in regional tournaments", "trains with a group of friends every Sunday",
                  "enters a tournament every summer"])
    return fmt("{N} took up {s} at the age of {n} and now {x}.", s=sport, n=num(r.randint(6, 40)), x=x, **p)


@frame(T)
def sp_who_wins(r):
    comp = r.choice(["the league", "the cup final", "the cycling race", "the tennis tournament", "the boat race",
                     "the world championship"])
    return r.choice([f"Who do you think will win {comp} this year?", f"Are you going to watch {comp} on Saturday?",
                     f"Does anyone know what time {comp} is on the radio?"])


@frame(T)
def sp_sold_out(r):
    ev = r.choice(["final", "derby", "opening match of the season", "championship game", "charity match"])
    n = r.randint(5, 50)
    return f"Tickets for the {ev} sold out in {num(n)} minutes."


@frame(T)
def sp_lost(r):
    t = r.choice(TEAMS)
    x = r.randint(1, 3)
    y = x + r.randint(1, 3)
    coach = r.choice(["she", "he"])
    did = r.choice(["kept going until the end", "played in the second half", "supported each other",
                    "handled the pressure"])
    return cap(f"Although {t} lost {y}-{x}, the coach said {coach} was proud of how the players {did}.")


@frame(T)
def sp_finished(r):
    p = person(r)
    n = r.randint(20, 400)
    o = r.randint(2, 12)
    return fmt("{N} finished {o} out of {n} runners, which was {his} best result so far.", o=ORDW[o], n=n, **p)


@frame(T)
def sp_pool(r):
    what = r.choice(["swimming pool", "sports hall", "ice rink", "running track"])
    alt = r.choice(["the school on the other side of town", "a hotel that has lent them its facilities",
                    "the university", "a leisure centre in the next town"])
    club = {"swimming pool": "swimming club", "sports hall": "basketball club", "ice rink": "skating club",
            "running track": "athletics club"}[what]
    return f"The {what} is closed for repairs until {r.choice(MONTHS)}, so the {club} is training at {alt}."


@frame(T)
def sp_watched(r):
    ev = r.choice(["final", "semi-final", "opening ceremony", "last stage of the race", "big match"])
    place = r.choice(["the town square", "a pub near the station", "the community hall", "my cousin's garden"])
    return f"We watched the {ev} on a big screen in {place}, along with what felt like half the town."


@frame(T)
def sp_retire(r):
    p = person(r)
    pos = r.choice(["goalkeeper", "captain", "top scorer", "longest-serving player"])
    return fmt("After {n} seasons with the club, {N}, the team's {p}, has announced {his} retirement.",
               n=num(r.randint(6, 18)), p=pos, **p)


@frame(T)
def sp_race(r):
    p = person(r)
    t = r.choice(["nine", "half past nine", "ten", "eight in the morning"])
    x = r.choice(["the leading group had split up", "the sun had come out", "{N} had moved into third place",
                  "two runners had dropped out"]).format(**p)
    return f"The race started at {t} in light rain. By the halfway point, {x}."

# =============================================================================================
# Music
# =============================================================================================
T = "music"
hand(T, """
A standard guitar has six strings, while a violin has four.
The orchestra tuned up for a few minutes, and then the lights dimmed and the conductor walked on.
My grandmother still has a box of records that she bought in the nineteen sixties.
The street musician outside the station plays the accordion every morning.
A piano has eighty-eight keys, both black and white.
We sang songs around the campfire until well after midnight.
The school band practises in the hall on Tuesday afternoons, and you can hear them from the car park.
He learned to play the drums on an old set that his uncle gave him.
The festival had four stages, and the smallest one was in a tent in the woods.
She hums while she works and doesn't even notice she's doing it.
In music, a crescendo means that the sound gradually gets louder.
The radio station plays requests every Sunday evening between six and eight.
Learning to read music is a bit like learning a new alphabet.
The jazz club in the basement has room for about forty people.
Some songs remind me so strongly of a particular summer that I can almost smell the cut grass.
The choir sang without instruments, and the sound filled the whole church.
""")
INSTR = ["piano", "guitar", "violin", "cello", "trumpet", "flute", "saxophone", "drums", "clarinet", "harp"]


@frame(T)
def m_learning(r):
    p = person(r)
    piece = r.choice(["a few simple folk tunes", "most of the pieces in {his} exam book", "a couple of songs by ear",
                      "a short sonata", "the tune from {his} favourite film", "some easy duets with {his} teacher"]).format(**p)
    return fmt("{N} has been learning the {i} for {n} years and can now play {x}.", i=r.choice(INSTR),
               n=num(r.randint(2, 8)), x=piece, **p)


@frame(T)
def m_park(r):
    a, b = r.sample(["blankets", "folding chairs", "a picnic", "a flask of tea", "something warm to wear", "cushions"], 2)
    when = r.choice(["The concert in the park starts at {t}", "The open-air concert begins at {t}",
                     "The band on the green plays from {t}"]).format(t=r.choice(["six", "seven", "half past seven", "eight"]))
    return f"{when}, and people usually bring {a} and {b}."


@frame(T)
def m_choir(r):
    group = r.choice(["The choir", "The community orchestra", "The brass band", "The folk group", "The ukulele club"])
    venue = r.choice(["church hall", "school gym", "library basement", "back room of a café", "community centre"])
    end = r.choice(["and new members are always welcome", "and nobody has to audition",
                    "and there is tea and cake at half-time", "and they are preparing for a concert in spring"])
    return f"{group} rehearses every {r.choice(DAYS)} evening in the {venue}, {end}."


@frame(T)
def m_listens(r):
    p = person(r)
    genre = r.choice(["classical music", "old jazz records", "folk songs", "film soundtracks", "the radio", "podcasts about music",
                      "the same playlist"])
    act = r.choice(["cooks", "works", "drives", "paints", "goes running", "does the ironing"])
    return fmt("{N} listens to {g} while {he} {a}.", g=genre, a=act, **p)


@frame(T)
def m_band(r):
    n = r.choice(["two", "nearly three", "almost two and a half"])
    end = r.choice(["a song everyone could sing along to", "a slow version of their first single",
                    "an encore that lasted twenty minutes", "a song they had never played live before"])
    who = r.choice(["The band", "The group", "The orchestra", "The singer and her band"])
    return f"{who} played for {n} hours and finished with {end}."


@frame(T)
def m_rel(r):
    q = relative(r)
    group = r.choice(["a rock band", "an orchestra", "a jazz quartet", "the church choir", "a brass band",
                      "a folk group"])
    did = r.choice(["played the bass in", "sang in", "played the trumpet in", "was the drummer in", "played the violin in"])
    if group == "the church choir":
        did = "sang in"
    return fmt("My {R} {d} {g} when {he} was younger.", d=did, g=group, **q)


@frame(T)
def m_festival(r):
    season = r.choice(["summer", "August", "June", "September"])
    n = r.randint(2, 5)
    end = r.choice(["it lasts {n} days", "tickets usually sell out by March", "the whole town fills up with tents"])
    return f"The music festival takes place every {season} on the fields outside {r.choice(TOWNS)}, and {end.format(n=num(n))}."


@frame(T)
def m_song_name(r):
    feat = r.choice(["a piano introduction and a woman singing in French", "a very catchy whistled chorus",
                     "lots of brass and a fast drum beat", "a slow guitar part and a man with a very deep voice",
                     "a children's choir in the chorus"])
    where = r.choice(["in the café earlier", "on the radio this morning", "at the end of the film", "in the shop"])
    return f"Do you know the name of the song that was playing {where}? It had {feat}."


@frame(T)
def m_acoustics(r):
    ens = r.choice(["the city orchestra", "local choirs", "string quartets", "folk musicians", "the university jazz band"])
    place = r.choice(["the old chapel", "the town hall", "the concert hall by the river", "the school theatre"])
    return f"Because {place} has such good acoustics, {ens} often record there."


@frame(T)
def m_practise(r):
    p = person(r)
    n = r.choice([10, 15, 20, 30])
    return fmt("{N} practises scales for {n} minutes before {he} starts on {his} pieces.", n=num(n), **p)


@frame(T)
def m_piano(r):
    n = r.randint(2, 15)
    inst = r.choice(["piano in the living room", "old piano at my grandparents' house", "piano in the school hall"])
    return f"The {inst} hasn't been tuned for {num(n)} years, so some of the notes sound slightly wrong."


@frame(T)
def m_tickets(r):
    ev = r.choice(["the autumn concert", "the jazz festival", "the opera", "the band's farewell tour", "the carol concert"])
    return f"Tickets for {ev} go on sale on {r.choice(DAYS)} at {r.choice(['nine', 'ten', 'noon'])}."


@frame(T)
def m_lessons(r):
    p = person(r)
    inst = r.choice(INSTR)
    why = r.choice(["{he} had always wanted to as a child", "{his} daughter started learning too", "{he} found an old one in the attic",
                    "{he} wanted a hobby that had nothing to do with screens"]).format(**p)
    return fmt("{N} started {i} lessons at the age of {n} because {w}.", i=inst, n=r.randint(30, 70), w=why, **p)

# =============================================================================================
# Nature
# =============================================================================================
T = "nature"
hand(T, """
The leaves on the maple tree turn bright red in October.
A single oak tree can be home to hundreds of different kinds of insects.
We sat on a rock by the stream and listened to the water for a long time.
The path through the woods was covered in a thick layer of fallen leaves.
After the storm, the beach was covered in seaweed and pieces of driftwood.
Mushrooms appear almost overnight in the lawn after a wet week in autumn.
The lake is so clear that you can see fish swimming near the bottom.
In early spring, the hills are covered in wild daffodils.
The waterfall is loudest in March, when the snow on the mountains starts to melt.
Bees and butterflies visit the lavender in our garden all through July.
Moss tends to grow on the side of a tree that stays damp and shady.
The marsh is full of frogs in April, and their croaking can be heard from the road.
A fox crossed the field at dusk and disappeared into the hedge.
The river has carved a deep valley through the soft rock over thousands of years.
Leaves change colour in autumn as the green chlorophyll breaks down and other colours show through.
""")
SEASON_SCENES = [("In spring", "the woods behind the house are", ["full of bluebells", "loud with birdsong"]),
                 ("In April", "the old orchard is", ["covered in white blossom", "full of bees"]),
                 ("In summer", "the meadow by the river is", ["full of wild flowers", "alive with grasshoppers"]),
                 ("In autumn", "the forest floor is", ["covered in chestnuts and fallen leaves", "dotted with mushrooms"]),
                 ("In winter", "the marshes are", ["full of geese that have flown in from the north", "silent and white with frost"]),
                 ("In late summer", "the hedgerows are", ["heavy with blackberries", "full of feeding birds"])]


@frame(T)
def n_season(r):
    a, b, cs = r.choice(SEASON_SCENES)
    return f"{a}, {b} {r.choice(cs)}."


@frame(T)
def n_walked(r):
    path = r.choice(["the river path", "the cliff path", "the old railway line", "the edge of the lake", "the forest trail",
                     "the canal towpath"])
    saw = r.choice(["a heron standing perfectly still in the shallows", "two deer at the edge of the trees",
                    "a kingfisher flashing past", "hundreds of starlings settling for the night",
                    "a family of ducks crossing the path", "a buzzard circling high above us", "an otter slipping into the water"])
    when = r.choice(["", " on Sunday", " early this morning", " at dusk", " after lunch"])
    return f"We walked along {path}{when} and saw {saw}."


@frame(T)
def n_tree(r):
    tree = r.choice(["oak", "yew", "chestnut tree", "beech", "lime tree", "cedar"])
    place = r.choice(["in the churchyard", "in the middle of the park", "on the village green", "in the school grounds",
                      "on the old estate", "by the ruined chapel"])
    n = r.randint(2, 9)
    return r.choice([f"The {tree} {place} is said to be more than {num(n)} hundred years old.",
                     f"Nobody knows exactly how old the {tree} {place} is, but some say it is over {num(n)} hundred years old."])


@frame(T)
def n_early(r):
    act = r.choice(["walk by the lake early in the morning", "sit quietly at the edge of the wood at dusk",
                    "go down to the estuary at low tide", "climb the hill before sunrise"])
    see = r.choice(["see deer grazing in the mist", "hear a woodpecker drumming", "spot an owl hunting over the fields",
                    "watch hundreds of wading birds feeding", "catch a glimpse of a fox"])
    return f"If you {act}, you might {see}."


@frame(T)
def n_planted(r):
    n = r.choice([50, 120, 200, 300, 500, 800, 1000, 1500, 2000])
    place = r.choice(["along the edge of the motorway", "around the old quarry", "on the riverbank",
                      "at the end of the school playing field", "on the hill above the town"])
    who = r.choice(["Volunteers", "Schoolchildren", "A group of neighbours", "The council"])
    return f"{who} planted {n:,} trees {place} last {r.choice(['winter', 'autumn', 'spring'])}."


@frame(T)
def n_view(r):
    view = r.choice(["the whole bay", "three villages and the river winding between them", "the mountains on a clear day",
                     "the lights of the city at night", "the islands far out to sea", "the patchwork of fields below"])
    return r.choice([f"From the top of the hill, you can see {view}.", f"On a good day, the summit gives you a view of {view}."])


@frame(T)
def n_garden(r):
    p = person(r)
    plant = r.choice(["sunflowers", "runner beans", "roses", "tomato plants", "sweet peas"])
    what = r.choice(["grew taller than the fence this year", "were eaten by slugs almost overnight",
                     "did much better once they were moved into the sun", "flowered for the first time in June"])
    if plant == "runner beans" and "flowered" in what:
        what = "climbed right up to the top of the poles"
    return fmt("The {p} in {N}'s garden {w}.", p=plant, w=what, **p)


@frame(T)
def n_quiet(r):
    cond = r.choice(["it snows", "the wind drops", "the birds stop singing in the heat of the afternoon", "a storm is coming"])
    place = r.choice(["the forest", "the valley", "the marsh", "the whole countryside"])
    return f"It's hard to believe how quiet {place} gets when {cond}."


@frame(T)
def n_camped(r):
    x = r.choice(["the water was so still that it reflected the mountains perfectly", "we could hear owls calling all night",
                  "the mosquitoes were out in their thousands", "a family of swans nested on the far bank",
                  "the stars were brighter than any of us had ever seen"])
    return f"We camped beside a lake where {x}."


IDENT = {"bird": ["a red breast and a short tail", "a long curved beak and speckled feathers",
                  "a black cap and a very loud song"],
         "tree": ["smooth grey bark and leaves shaped like a hand", "needles in bunches of five",
                  "red berries and very dark leaves"],
         "flower": ["tiny blue petals and a yellow centre", "a tall spike of purple flowers",
                    "white petals that close up at night"]}


@frame(T)
def n_ident(r):
    kind = r.choice(list(IDENT))
    return f"Do you know what kind of {kind} this is? It has {r.choice(IDENT[kind])}."


@frame(T)
def n_tide(r):
    n = r.choice([10, 15, 20, 25, 30])
    return r.choice([f"The tide was out when we arrived. We walked for almost {num(n)} minutes before we reached the water.",
                     f"At low tide, you can walk out to the island in about {num(n)} minutes, but you have to watch the time."])


@frame(T)
def n_river(r):
    river = r.choice(["The river", "The stream at the bottom of the garden", "The brook behind the school"])
    x = r.choice(["often floods the lower fields after heavy rain", "almost dries up in a hot summer",
                  "turns brown and fast after a storm", "freezes at the edges in a cold winter"])
    return f"{river} {x}."

# =============================================================================================
# Technology
# =============================================================================================
T = "technology"
hand(T, """
The internet connection drops every time someone uses the microwave.
My phone reminded me about a meeting that had been cancelled a week ago.
Most websites now ask whether you accept cookies before you can read anything.
The video call kept freezing, so in the end we switched our cameras off and carried on with just audio.
An electric car can be charged at home overnight using an ordinary socket, although a wall charger is faster.
The first computers filled entire rooms and were far less powerful than a modern phone.
He spent the evening trying to connect the new printer to the wifi.
Satellite navigation works by comparing signals from several satellites at once.
Always keep a backup of your photos in more than one place.
The school gave every pupil a laptop, but the batteries only last half a day.
I turned off most of the notifications on my phone, and I feel much calmer.
A QR code is just a pattern of squares that a camera can turn back into text or a web address.
Our old television still works perfectly, but it doesn't connect to anything.
The library now lends out e-readers as well as books.
Solar panels on the roof provide most of the house's electricity in summer.
The app update moved all the buttons around, and now I can't find anything.
""")
DEVICES = ["laptop", "phone", "tablet", "old desktop computer", "smart television"]


@frame(T)
def tc_evening(r):
    p = person(r)
    task = r.choice(["updating the software on", "backing up the photos from", "freeing up space on",
                     "setting up parental controls on", "cleaning the keyboard of", "resetting"])
    dev = r.choice(DEVICES)
    if task == "cleaning the keyboard of" and dev in ("phone", "tablet", "smart television"):
        dev = "laptop"
    return fmt("{N} spent the evening {t} {his} {d}.", t=task, d=dev, **p)


@frame(T)
def tc_wont_turn_on(r):
    dev = r.choice(DEVICES + ["router", "printer"])
    fix = r.choice(["charging it for at least half an hour", "holding the power button down for ten seconds",
                    "unplugging it and plugging it back in", "checking the cable at both ends"])
    last = r.choice(["taking it to a repair shop", "giving up on it", "buying a new one", "calling someone for help"])
    if dev in ("router", "printer", "smart television", "old desktop computer") and fix.startswith("charging"):
        fix = "checking that it is plugged in properly"
    return f"If the {dev} won't turn on, try {fix} before {last}."


APPS = [("The bus company's app", "shows exactly where each bus is", "plan your journey"),
        ("The library app", "lets you renew books from your phone", "avoid late fees"),
        ("The new calendar app", "lets you share events with the whole family", "keep track of who is doing what"),
        ("The school's messaging app", "lets parents send notes straight to teachers", "report an absence"),
        ("The photo editor", "can now remove objects from the background", "tidy up holiday pictures"),
        ("The map app", "now shows which stations have lifts", "travel with a pushchair")]


@frame(T)
def tc_app(r):
    a, f, g = r.choice(APPS)
    return r.choice([f"{a} {f}, which makes it much easier to {g}.",
                     f"Since the last update, {a[0].lower() + a[1:]} {f}, so it's easier to {g}."])


@frame(T)
def tc_job(r):
    p = person(r)
    job, tasks = r.choice([("a software developer", ["writing and testing code", "fixing bugs that customers report",
                                                     "reviewing other people's code"]),
                           ("a data analyst", ["cleaning up spreadsheets", "building charts for reports"]),
                           ("an IT technician", ["setting up laptops for new staff", "fixing printers",
                                                 "helping people who have forgotten their passwords"]),
                           ("a web designer", ["drawing layouts for new pages", "making websites work on small screens"])])
    return fmt("{N} works as {j} and spends most of {his} day {t}.", j=job, t=r.choice(tasks), **p)


SEC = [("use a different password for each account", "one leak doesn't expose everything"),
       ("turn on two-step verification", "a stolen password isn't enough to get in"),
       ("install updates as soon as they come out", "known security holes are closed"),
       ("back up your files somewhere safe", "you don't lose everything if your laptop is stolen"),
       ("lock your phone with a code", "nobody can read your messages if you lose it")]


@frame(T)
def tc_security(r):
    a, b = r.choice(SEC)
    return r.choice([f"Remember to {a}, so that {b}.", f"It's sensible to {a}; that way, {b}.",
                     f"My brother finally agreed to {a}, so that {b}."])


@frame(T)
def tc_first(r):
    p = person(r)
    dev, descs = r.choice([("phone", ["had a tiny screen and a battery that lasted a week", "could only send text messages",
                                      "had a little aerial that pulled out"]),
                           ("laptop", ["weighed about as much as a brick", "took five minutes to start up"]),
                           ("music player", ["could only hold a few hundred songs", "ran on two AA batteries"]),
                           ("computer", ["stored everything on floppy disks", "had a green screen and no mouse"])])
    return fmt("The first {d} {N} ever owned {x}.", d=dev, x=r.choice(descs), **p)


@frame(T)
def tc_how_to(r):
    x = r.choice(["stop my laptop fan from running all the time", "get the printer to recognise my phone",
                  "turn off the subtitles on this television", "move my old messages to a new phone",
                  "make the text on my screen bigger", "stop the computer from going to sleep during a presentation"])
    y = r.choice(["restarting it", "searching online", "reading the manual", "changing the settings", "watching a video about it"])
    return f"Does anyone know how to {x}? I've tried {y}, but nothing seems to work."


@frame(T)
def tc_factory(r):
    tech = r.choice(["robots", "sensors", "cameras", "a new scheduling system", "solar panels"])
    task = {"robots": "pack the boxes", "sensors": "check the temperature of every machine",
            "cameras": "spot faulty parts on the line", "a new scheduling system": "plan the shifts",
            "solar panels": "power the warehouse"}[tech]
    metric = r.choice(["waste", "costs", "energy use", "delays"])
    return f"The factory now uses {tech} to {task}, which has cut {metric} by about {r.choice([10, 15, 20, 25, 30])} percent."


@frame(T)
def tc_since_got(r):
    p = person(r)
    g, ch = r.choice([("a smartwatch", "has been walking a lot more"), ("an e-reader", "reads a book a week"),
                      ("a robot vacuum cleaner", "has stopped vacuuming altogether"),
                      ("noise-cancelling headphones", "can finally concentrate on the train"),
                      ("a tablet", "watches the news in bed every morning"),
                      ("an electric bike", "cycles to work even in winter")])
    return fmt("Since {N} got {g}, {he} {c}.", g=g, c=ch, **p)


@frame(T)
def tc_battery(r):
    prob = r.choice(["has drained much faster", "has barely lasted until lunchtime", "has been getting very hot when it charges",
                     "hasn't charged past eighty percent"])
    dev = r.choice(["My phone battery", "The battery in my laptop", "My tablet"])
    return f"{dev} {prob} since the last update."


@frame(T)
def tc_manual(r):
    n = r.choice([40, 60, 90, 120, 200])
    thing = r.choice(["washing machine", "new television", "camera", "sewing machine", "coffee machine"])
    return f"The {thing} came with a {n}-page manual, but most people just press buttons until something happens."

# =============================================================================================
# Health
# =============================================================================================
T = "health"
hand(T, """
Washing your hands with soap for at least twenty seconds removes most germs.
She walks up the stairs instead of taking the lift, even though her office is on the sixth floor.
My doctor said that a short walk after dinner can help with digestion.
The clinic is running a free flu vaccination session on Saturday morning.
He had a bad cold for most of last week and lost his voice completely.
It's easy to forget to drink water when you are busy, especially in winter.
The physiotherapist gave me five exercises to do every morning for my back.
Sleeping with a phone next to the bed makes it harder for some people to fall asleep.
The hospital has a garden where patients can sit outside when the weather is fine.
A first aid course teaches you what to do in the first few minutes after an accident.
Sunburn can happen even on cloudy days, because ultraviolet light passes through clouds.
I've started taking the stairs at work, and I'm already less out of breath at the top.
Most colds get better on their own within a week or two.
The dentist reminded me to floss, as she does every single time.
""")


@frame(T)
def hl_doctor(r):
    p = person(r)
    adv = r.choice(["rest {his} knee", "avoid lifting anything heavy", "drink more water", "take the tablets twice a day",
                    "keep the bandage dry", "stay off work", "do the exercises every morning"]).format(**p)
    n = r.randint(1, 6)
    unit = "week" if n == 1 else "weeks"
    return fmt("The doctor told {N} to {a} for {n} {u}.", a=adv, n="a" if n == 1 else num(n), u=unit, **p)


HABITS = [("walking to work", ["feels much more awake by nine", "has more energy in the afternoon"]),
          ("going to bed an hour earlier", ["feels much more awake", "is less irritable in the mornings"]),
          ("doing ten minutes of stretching every morning", ["feels less stiff", "has less back pain"]),
          ("cutting down on coffee", ["sleeps better", "has fewer headaches"]),
          ("eating more vegetables", ["feels less tired", "doesn't miss the snacks as much as {he} expected"]),
          ("swimming twice a week", ["has more energy", "sleeps better on swimming days"]),
          ("leaving {his} phone in the kitchen at night", ["sleeps better", "reads more"])]


@frame(T)
def hl_habit(r):
    p = person(r)
    habit, bens = r.choice(HABITS)
    return fmt("{N} has started {h} and says {he} {b}.", h=habit.format(**p), b=r.choice(bens).format(**p), **p)


TIPS = [("have a high temperature for more than three days", "it's worth seeing a doctor"),
        ("feel dizzy when you stand up", "sit down for a moment and have a glass of water"),
        ("get a small burn", "hold it under cool running water for several minutes"),
        ("sprain your ankle", "rest it and keep it raised"),
        ("get something in your eye", "rinse it gently with clean water"),
        ("have a nosebleed", "lean forward and pinch the soft part of your nose")]


@frame(T)
def hl_tip(r):
    a, b = r.choice(TIPS)
    return r.choice([f"If you {a}, {b}.", f"My first aid teacher said that if you {a}, {b}."])


@frame(T)
def hl_guideline(r):
    g = r.choice(["get between seven and nine hours of sleep a night", "do some physical activity on most days",
                  "eat plenty of fruit and vegetables", "take regular breaks from looking at a screen",
                  "wear sun cream on bright days"])
    return r.choice([f"Adults are generally advised to {g}.", f"Doctors usually recommend that people {g}."])


@frame(T)
def hl_waiting(r):
    p = person(r)
    state = r.choice(["very busy", "packed", "almost empty", "freezing cold"])
    did = r.choice(["read an old magazine", "finished {his} crossword", "chatted to the man sitting next to {him}",
                    "answered a few emails", "was seen within ten minutes"]).format(**p)
    if state == "almost empty":
        did = "was seen within ten minutes"
    return fmt("The waiting room at the clinic was {s}, so {N} {d}.", s=state, d=did, **p) if state != "almost empty" else \
        fmt("The waiting room at the clinic was almost empty, and {N} {d}.", d=did, **p)


@frame(T)
def hl_procedure(r):
    p = person(r)
    proc, recs = r.choice([("a small operation on {his} knee", ["walking with a stick", "back at work"]),
                           ("two wisdom teeth taken out", ["eating soft food again", "feeling much better"]),
                           ("{his} tonsils out", ["talking again", "eating ice cream without wincing"]),
                           ("a cast taken off {his} arm", ["driving again", "back at the gym"])])
    return fmt("{N} had {p} on {d} and is already {x}.", p=proc.format(**p), d=r.choice(DAYS), x=r.choice(recs), **p)


@frame(T)
def hl_how_often(r):
    x = r.choice(["replace your toothbrush", "have your eyes tested", "get up and move if you sit at a desk all day",
                  "go for a dental check-up", "change the batteries in a smoke alarm"])
    return r.choice([f"How often should you {x}?", f"Do you know how often you're supposed to {x}?"])


@frame(T)
def hl_benefit(r):
    ex, bens = r.choice([("swimming", ["ease pain in stiff joints", "build strength without putting stress on the knees"]),
                         ("walking", ["lower blood pressure", "improve mood"]),
                         ("stretching", ["reduce stiffness after sitting all day", "make it easier to move"]),
                         ("cycling", ["strengthen the heart and lungs", "build strength in the legs"])])
    return f"Regular {ex} can help {r.choice(bens)}."


@frame(T)
def hl_flu(r):
    p = person(r)
    n = r.randint(3, 8)
    act = r.choice(["go for a short walk", "eat a proper meal", "read a book", "sit in the garden", "go back to work"])
    ill = r.choice(["the flu", "a chest infection", "a stomach bug", "a fever"])
    return fmt("After {n} days in bed with {i}, {N} finally felt well enough to {a}.", n=num(n), i=ill, a=act, **p)


@frame(T)
def hl_pharmacist(r):
    p = person(r)
    x = r.choice(["take the medicine with food", "avoid alcohol while taking the antibiotics",
                  "finish the whole course even if {he} felt better", "not take it at the same time as {his} other tablets",
                  "keep the cream in the fridge"]).format(**p)
    return fmt("The pharmacist explained that {N} should {x}.", x=x, **p)


@frame(T)
def hl_because(r):
    p = person(r)
    c, pre = r.choice([("is allergic to nuts", "checks the ingredients carefully"), ("has asthma", "carries an inhaler"),
                       ("gets migraines", "keeps some tablets in {his} bag"),
                       ("works night shifts", "uses blackout curtains to sleep during the day"),
                       ("has a bad back", "lifts heavy things with {his} knees bent"),
                       ("burns easily", "wears a hat in the summer")])
    return fmt("Because {N} {c}, {he} always {p}.", c=c, p=pre.format(**p), **p)

# =============================================================================================
# Shopping (general prose about shops and buying things, not support requests)
# =============================================================================================
T = "shopping"
hand(T, """
The corner shop sells almost everything, from light bulbs to birthday cards.
We do one big food shop on Saturdays and buy fresh bread during the week.
The market traders start setting up their stalls at five in the morning.
I always write a list before I go shopping, and I always forget to take it with me.
The bookshop on the square has a cat that sleeps in the window.
Most of the shops in the old town close for a few hours in the middle of the day.
She bought a second-hand bicycle for the price of a cinema ticket.
The bakery sells out of croissants by nine on Saturday mornings.
Prices at the farmers' market are a bit higher, but the vegetables last much longer.
The shopping centre is so big that there are maps at every entrance.
He never buys anything on the first visit; he always goes home to think about it.
Many supermarkets now charge for plastic bags, so most people bring their own.
The hardware shop will cut keys while you wait.
""")
MARKET_ITEMS = ["fresh fish", "cheese from local farms", "flowers", "second-hand books", "fruit and vegetables",
                "handmade soap", "olives", "old records", "bread", "spices", "wool"]


@frame(T)
def sh_market(r):
    a, b, c = r.sample(MARKET_ITEMS, 3)
    where = r.choice(["The market on {s}", "The Saturday market on {s}", "The covered market near {s}"]).format(s=r.choice(STREETS))
    return f"{where} sells {a}, {b} and {c} every {r.choice(['Saturday', 'Sunday', 'Wednesday', 'Friday', 'weekend'])}."


@frame(T)
def sh_bought(r):
    p = person(r)
    item = r.choice(["a winter coat", "a second-hand sofa", "a new pair of boots", "a set of saucepans", "a bicycle",
                     "a desk lamp", "a rug for the hall"])
    price = r.choice(["thirty pounds", "forty-five euros", "twenty dollars", "ninety pounds", "sixty euros", "a hundred and twenty dollars"])
    c = r.choice(["less than half the usual price", "more than {he} had planned to spend", "a fair price for something that will last",
                  "the cheapest {he} could find"]).format(**p)
    return fmt("{N} bought {i} for {pr}, which was {c}.", i=item, pr=price, c=c, **p)


@frame(T)
def sh_hours(r):
    shop = r.choice(["The shop on the corner", "The chemist on {s}", "The little greengrocer", "The post office on {s}",
                     "The butcher's"]).format(s=r.choice(STREETS))
    t = r.choice(["five", "half past five", "six", "seven"])
    d = r.choice(["Sunday", "Monday", "Wednesday afternoon"])
    if d.endswith("afternoon"):
        return f"{shop} closes at {t} on weekdays and shuts early on Wednesday afternoons."
    return f"{shop} closes at {t} on weekdays and doesn't open at all on {d}s."


GROC = ["eggs", "milk", "a loaf of bread", "onions", "a bag of rice", "some apples", "cheese", "coffee", "tomatoes",
        "washing powder", "a tin of chickpeas"]


@frame(T)
def sh_list(r):
    a, b, c = r.sample(GROC, 3)
    if r.random() < 0.5:
        return f"We need {a}, {b} and {c}, but the rest can wait until {r.choice(DAYS)}."
    out = r.choice(["milk", "coffee", "cheese", "washing powder", "butter", "sugar", "olive oil"])
    if out in (a, b):
        out = "tea"
    return f"Could you pick up {a} and {b} on your way home? We've also run out of {out}."


@frame(T)
def sh_instead(r):
    x = r.choice(["a pair of running shoes", "a new kettle", "a birthday present for my nephew", "some paint for the bathroom",
                  "a warm jumper"])
    y = r.choice(["two books and a plant", "a coat I didn't need", "a bag of oranges and a lamp", "a pot of paint for the fence",
                  "a very large box of chocolates"])
    return f"I went into town to buy {x} and came back with {y} instead."


@frame(T)
def sh_supermarket(r):
    f = r.choice(["self-service tills", "a bakery counter", "a section for local produce", "a café on the first floor",
                  "a refill station for dried food", "a pharmacy at the back"])
    where = r.choice(["The new supermarket", "The supermarket by the station", "The big shop on the ring road"])
    return f"{where} has {f}, and it stays open until {r.choice(['ten', 'eleven', 'midnight'])} every night."


@frame(T)
def sh_prices(r):
    what = r.choice(["butter", "coffee", "fresh fruit", "bus tickets", "bread", "cinema tickets"])
    n = r.choice([5, 8, 10, 12, 15, 20])
    return f"The price of {what} has gone up by about {num(n) if n <= 20 else n} percent since last year."


@frame(T)
def sh_prefers(r):
    p = person(r)
    thing, place, why = r.choice([("vegetables", "the market", "they are fresher and often cheaper"),
                                  ("books", "the independent shop", "the staff always have good suggestions"),
                                  ("meat", "the butcher's", "{he} can ask exactly how much {he} needs"),
                                  ("clothes", "charity shops", "{he} likes finding things nobody else has"),
                                  ("bread", "the bakery down the road", "it is baked that morning")])
    return fmt("{N} prefers buying {t} at {pl} because {w}.", t=thing, pl=place, w=why.format(**p), **p)


@frame(T)
def sh_second_hand(r):
    x = r.choice(["old furniture", "children's clothes", "board games", "vinyl records", "kitchen things", "picture frames"])
    return f"The second-hand shop on {r.choice(STREETS)} is a good place to find {x}."


@frame(T)
def sh_open(r):
    shop = r.choice(["the bakery", "the pharmacy", "the flower shop", "the newsagent"])
    return f"Do you know if {shop} on {r.choice(STREETS)} is still open, or has it closed for the day?"


@frame(T)
def sh_sales(r):
    x = r.choice(["there was a queue just to get through the doors", "it took twenty minutes to pay",
                  "we gave up and went for a coffee instead", "the shelves were almost empty by noon"])
    return f"During the sales, the department store was so busy that {x}."


@frame(T)
def sh_receipts(r):
    p = person(r)
    price = r.choice(["fifty pounds", "a hundred euros", "twenty dollars", "thirty pounds"])
    return fmt("{N} keeps the receipts for anything that costs more than {p}, just in case.", p=price, **p)

# =============================================================================================
# City life
# =============================================================================================
T = "city life"
hand(T, """
The city never really sleeps; even at three in the morning there are taxis on the main road.
Our street has a bakery, a launderette and a shop that repairs umbrellas.
The bridge is closed to cars on Sundays, so it fills up with cyclists and people walking dogs.
There is a small park at the end of our road where the same old men play chess every afternoon.
The tram takes twenty minutes from the station to the university.
Every summer the city puts sand on the riverbank and turns it into a beach.
Rents in the centre have risen so much that many young people now live in the suburbs.
The library on the square is one of the few places in town where you can sit for free.
Street lights come on automatically as soon as it starts to get dark.
The rubbish is collected every Tuesday, and the recycling every other Thursday.
On hot evenings, the whole neighbourhood seems to be sitting outside.
The old factory has been turned into flats, studios and a small cinema.
You can walk from one side of the old town to the other in about fifteen minutes.
""")


@frame(T)
def ci_bus(r):
    n = r.choice([4, 7, 12, 15, 23, 31, 42, 56, 88])
    m = r.choice([5, 8, 10, 12, 15, 20])
    t = r.choice(["eight", "nine", "ten", "eleven"])
    return f"The number {n} bus runs every {num(m)} minutes during the day but only once an hour after {t} in the evening."


@frame(T)
def ci_building(r):
    proj = r.choice(["a new library", "a block of flats", "a small park with a playground", "a sports centre",
                     "a health centre", "a primary school"])
    old = r.choice(["bus depot", "printing works", "car park", "cinema", "gasworks", "market hall"])
    return r.choice([f"They are building {proj} on the site of the old {old}.",
                     f"Work has started on {proj} where the old {old} used to be."])


@frame(T)
def ci_closed_street(r):
    st = r.choice(STREETS)
    ev = r.choice(["a farmers' market takes over the whole street", "local bands play outside the cafés",
                   "children ride their bikes up and down", "restaurants put their tables out in the road"])
    return cap(f"{st} is closed to traffic on {r.choice(['Sunday', 'Saturday'])}s, when {ev}.")


@frame(T)
def ci_centre(r):
    p = person(r)
    ben = r.choice(["walk to work", "get to the theatre in ten minutes", "buy fresh bread every morning",
                    "do without a car", "meet friends at short notice"])
    cost = r.choice(["the rent is high", "it is never completely quiet", "there is nowhere to park",
                     "the flat is very small", "the bins are collected at five in the morning"])
    return fmt("Living in the centre means {N} can {b}, but {c}.", b=ben, c=cost, **p)


@frame(T)
def ci_crowded(r):
    x = r.choice(["I couldn't reach the handrail", "we had to let two trains go past", "nobody could move their arms",
                  "I read my book over someone's shoulder"])
    what = r.choice(["The underground", "The tram", "The morning train", "The bus"])
    return f"{what} was so crowded this morning that {x}."


@frame(T)
def ci_counts(r):
    a, b = r.randint(3, 12), r.randint(2, 5)
    return r.choice([f"Our neighbourhood has {num(a)} cafés, {num(b)} bakeries and only one bookshop.",
                     f"There are {num(a)} hairdressers on our street but not a single post box."])


@frame(T)
def ci_night(r):
    scene = r.choice(["the bridge is lit up in blue", "the square fills with people eating outside",
                      "the street sweepers come through at around four", "foxes wander down the middle of the road",
                      "you can hear the trains from the other side of the river"])
    return f"At night, {scene}."


@frame(T)
def ci_plan(r):
    plan = r.choice(["add cycle lanes to all the main roads", "plant ten thousand new trees",
                     "replace the old street lights with LED lamps", "open two new swimming pools",
                     "make the old town centre car-free", "build more public toilets"])
    return f"The council plans to {plan} by {r.randint(2027, 2035)}."


@frame(T)
def ci_directions(r):
    place = r.choice(["the train station", "the city museum", "the main post office", "the hospital", "Victoria Park",
                      "the town hall", "the university library"])
    return r.choice([f"Excuse me, could you tell me how to get to {place} from here?",
                     f"Excuse me, is this the right stop for {place}?",
                     f"Is it far to walk to {place}, or should I take the bus?"])


@frame(T)
def ci_lived(r):
    p = person(r)
    n = r.randint(5, 40)
    return fmt("{N} has lived in the same building for {n} years and knows almost everyone on {his} floor.", n=num(n), **p)


@frame(T)
def ci_hidden(r):
    pl = r.choice(["garden", "bookshop", "café", "chapel", "courtyard"])
    lm = r.choice(["the town hall", "the cathedral", "the old fire station", "the main post office"])
    return f"There is a small {pl} hidden behind {lm}, and most tourists walk straight past it."


@frame(T)
def ci_traffic(r):
    road = r.choice(["the ring road", "the bridge", "the high street", "the main road into town"])
    why = r.choice(["roadworks", "a broken-down lorry", "a football match", "a burst water main"])
    alt = r.choice(["took the back streets", "parked and walked the rest of the way", "gave up and went home",
                    "turned round and caught the tram"])
    return f"The traffic on {road} was terrible because of {why}, so we {alt}."


@frame(T)
def ci_move(r):
    p = person(r)
    frm = r.choice(["a small village", "the coast", "a farm in the north", "a quiet town"])
    miss = r.choice(["the silence at night", "seeing the stars", "knowing everyone in the shop", "the sea air"])
    return fmt("When {N} moved to the city from {f}, what {he} missed most was {m}.", f=frm, m=miss, **p)

# =============================================================================================
# Animals
# =============================================================================================
T = "animals"
hand(T, """
Our cat sleeps for most of the day and then runs around the house at midnight.
The dog knows the sound of our car and waits by the door before we even park.
Penguins cannot fly, but they are excellent swimmers.
A group of crows is sometimes called a murder.
The farmer brings the cows in for milking twice a day, at dawn and in the late afternoon.
Hedgehogs sleep through most of the winter.
There is a pair of swans on the lake that come back to the same nest every spring.
Owls can turn their heads much further than we can.
The children watched the tadpoles in the pond grow legs over a few weeks.
Our neighbour's parrot can say "good morning" and imitate the phone ringing.
Elephants live in family groups that are usually led by an older female.
The horses at the riding school are turned out into the field every afternoon.
Squirrels bury nuts in autumn and dig many of them up again in winter.
Dolphins breathe air through a blowhole on the top of their heads.
A spider had built a web across the doorway overnight.
The vet said that our rabbit needs more hay and fewer treats.
Some frogs can survive being partly frozen during the winter.
""")
PETS = {"dog": ["barks every time the post arrives", "sleeps at the bottom of the stairs", "refuses to go out in the rain",
                "steals socks from the washing basket", "waits by the window when the children are at school"],
        "cat": ["sits on the windowsill watching birds all afternoon", "only eats when someone is in the room",
                "brings leaves in from the garden", "sleeps in the laundry basket", "knocks pens off the desk one at a time"],
        "rabbit": ["thumps its back foot when it hears a loud noise", "chews anything left on the floor"],
        "parrot": ["copies the sound of the microwave", "says hello to everyone who comes in"]}
PETNAMES = ["Biscuit", "Pepper", "Milo", "Luna", "Rosie", "Oscar", "Toffee", "Max", "Willow", "Pickle", "Bramble", "Ziggy"]


@frame(T)
def an_pet(r):
    pet = r.choice(list(PETS))
    who = r.choice(["Our", "My grandmother's", "The neighbours'", "My sister's", "Our old"])
    return f"{who} {pet} {r.choice(PETS[pet])}."


@frame(T)
def an_adopt(r):
    p = person(r)
    age = r.choice(["young", "three-year-old", "very old", "shy", "one-eyed", "ten-year-old"])
    pet = r.choice(["dog", "cat", "greyhound", "rabbit", "terrier"])
    art = "an" if age[0] in "aeiou" else "a"
    return fmt("{N} adopted {a} {g} {pe} from the shelter in {m} and called it {n}.", a=art, g=age, pe=pet,
               m=r.choice(MONTHS), n=r.choice(PETNAMES), **p)


ANIMAL_FACTS = ["cows have four compartments in their stomachs", "a snail carries its shell for its whole life",
                "giraffes have the same number of neck bones as humans", "some sea turtles return to the beach where they hatched to lay their eggs",
                "a baby kangaroo is called a joey", "cats spend a large part of the day asleep",
                "flamingos get their pink colour from the food they eat", "a hummingbird's heart can beat more than a thousand times a minute",
                "ostriches are the largest living birds", "sloths move so slowly that algae can grow on their fur",
                "starfish can grow back a lost arm", "salmon swim up rivers to lay their eggs where they were born",
                "dogs have a much stronger sense of smell than humans", "a male seahorse carries the eggs until they hatch",
                "zebras' stripes are different on every animal", "bees collect nectar to make honey"]
_afact_uses: Counter = Counter()


@frame(T)
def an_fact(r):
    for _ in range(50):
        fact = r.choice(ANIMAL_FACTS)
        if _afact_uses[fact] < 3:
            break
    _afact_uses[fact] += 1
    return r.choice(["{F}.", "Did you know that {f}?", "The keeper at the zoo told us that {f}.",
                     "My daughter's new book about animals says that {f}.", "I only recently found out that {f}."]).format(F=cap(fact), f=fact)


@frame(T)
def an_saw(r):
    animal = r.choice(["a family of otters", "seals lying on the rocks", "a barn owl", "a herd of deer", "dolphins",
                       "a fox with three cubs", "wild ponies", "a huge flock of geese"])
    where = r.choice(["from the ferry", "near the campsite", "at the edge of the woods", "on the drive home",
                      "from the top of the cliffs", "by the lake"])
    when = r.choice(["yesterday", "last weekend", "on our holiday", "early on Sunday morning"])
    return f"We saw {animal} {where} {when}."


@frame(T)
def an_farm(r):
    c, s = r.randint(8, 90), r.randint(20, 300)
    extra = r.choice(["a few goats and a very noisy goose", "two old horses and a sheepdog", "a dozen hens and a donkey",
                      "some pigs and a great many cats"])
    return f"The farm has {c} cows, {s} sheep, {extra}."


@frame(T)
def an_feed(r):
    pet, food = r.choice([("cat", "half a tin of food"), ("dog", "a bowl of biscuits"), ("rabbit", "fresh hay and some greens"),
                          ("fish", "a small pinch of flakes"), ("hamster", "a spoonful of seeds")])
    pron = "It needs" if pet in ("fish", "hamster", "rabbit") else r.choice(["She needs", "He needs"])
    if pet == "fish":
        pron = "They need"
    return f"Could you feed the {pet} while I'm away? {pron} {food} twice a day."


@frame(T)
def an_age(r):
    name = r.choice(PETNAMES)
    kind = r.choice([("puppy", "chases the ball"), ("kitten", "chases string"), ("puppy", "jumps at the postman"),
                     ("kitten", "climbs the curtains")])
    n = r.randint(9, 17)
    return f"{name} is {num(n)} years old now but still {kind[1]} like a {kind[0]}."


@frame(T)
def an_zoo(r):
    task = r.choice(["feed the penguins at half past two", "weigh the tortoises once a month",
                     "hide food around the enclosures so the animals have to search for it",
                     "give the elephants a bath with a hose in summer", "count the flamingos every morning"])
    return f"At the zoo, the keepers {task}."


@frame(T)
def an_nest(r):
    bird = r.choice(["blackbird", "robin", "pair of swallows", "wren", "pigeon", "pair of blue tits"])
    place = r.choice(["in the hedge by the gate", "under the roof of the shed", "in the old lamp by the back door",
                      "in a flower pot on the balcony", "in the ivy on the garden wall"])
    verb = "have built" if bird.startswith("pair") else "has built"
    art = "A" if not bird.startswith("pair") else "A"
    return f"{art} {bird} {verb} a nest {place}, so we are trying not to disturb {'them' if bird.startswith('pair') else 'it'}."


@frame(T)
def an_find(r):
    a, b = r.choice([("a hedgehog in the garden during the day", "it may be unwell, so call a local animal rescue"),
                     ("a baby bird on the ground", "it is usually best to leave it where its parents can find it"),
                     ("a bat indoors", "open the windows, turn off the lights and let it find its own way out"),
                     ("a bee that looks exhausted", "a drop of sugar water can help it recover")])
    return f"If you find {a}, {b}."


@frame(T)
def an_how_long(r):
    x = r.choice(["tortoises", "parrots", "goldfish", "horses", "rabbits", "elephants", "cats"])
    return r.choice([f"How long do {x} usually live?", f"Does anyone know how long {x} live in the wild?"])


@frame(T)
def an_vet(r):
    name = r.choice(PETNAMES)
    d = r.choice(["needs to lose a bit of weight", "has a small infection in one ear", "is perfectly healthy for an animal of that age",
                  "should have a tooth taken out", "needs a booster injection next spring"])
    return f"The vet said that {name} {d}."

# =============================================================================================
# Conversation: everyday questions and requests between people (not customer service)
# =============================================================================================
T = "conversation"
hand(T, """
Could you turn the music down a little? I'm trying to read.
What time did you say the film starts?
Do you want to come round for dinner on Friday? Nothing fancy, just pasta.
I'll be about ten minutes late, so please start without me.
Have you got a minute? I'd like to ask you about something.
Let me know when you get home, so I don't worry.
Would you like a cup of tea, or would you prefer something cold?
Sorry, I didn't catch your name.
Can you remind me where we parked the car?
Do you mind if I open the window? It's quite warm in here.
Is there anything I can bring to the party?
I'm not sure I agree, but I can see why you think that.
Shall we walk, or is it too far?
How was your weekend? Did you manage to get any rest?
Thanks for helping me move the sofa; I couldn't have done it on my own.
""")


@frame(T)
def co_could(r):
    req = r.choice(["close the window", "pick up some bread on the way home", "remind me to call my mother tonight",
                    "help me carry these boxes upstairs", "water the tomatoes", "check whether the post has come",
                    "feed the cat", "take the washing out of the machine", "lend me your bike pump"])
    tail = r.choice(["when you get a chance", "before you go out", "if you have a moment", "later this afternoon"])
    return r.choice([f"Could you {req} {tail}?", f"Would you mind if I asked you to {req} {tail}?",
                     f"Can you {req} {tail}? Thanks."])


MIND = [("turning the music down a little", "I'm trying to concentrate"),
        ("moving your car forward a bit", "I can't get out of the drive"),
        ("keeping an eye on my bag", "I'll only be a minute"),
        ("taking a photo of us", "we'd like one with the bridge in the background"),
        ("swapping seats with me", "I'd like to sit next to my son"),
        ("speaking a little more slowly", "my English isn't very good yet"),
        ("holding the door", "my hands are full")]


@frame(T)
def co_mind(r):
    a, b = r.choice(MIND)
    start = r.choice(["Would you mind", "Sorry, would you mind", "Excuse me, would you mind"])
    return f"{start} {a}? {cap(b)}."


@frame(T)
def co_time(r):
    ev = r.choice(["the party", "the barbecue", "the school play", "the book club meeting", "the rehearsal",
                   "your sister's wedding", "the quiz"])
    return r.choice([f"What time does {ev} start, and do we need to bring anything?",
                     f"Where exactly is {ev}? I've never been to that part of town.",
                     f"Are you going to {ev} on {r.choice(DAYS)}?"])


@frame(T)
def co_free(r):
    plan = r.choice(["going for a walk by the lake", "having a few friends over for dinner", "driving to the coast",
                     "trying the new Thai place", "seeing the exhibition at the gallery", "going to the cinema"])
    return r.choice([f"Are you free on {r.choice(DAYS)}? We're thinking of {plan}.",
                     f"What are you doing this weekend? A few of us are {plan} on {r.choice(['Saturday', 'Sunday'])}."])


@frame(T)
def co_ever(r):
    exp = r.choice(["been to " + r.choice(CITIES), "tried making bread at home", "seen the northern lights",
                    "learned to sail", "slept in a tent in winter", "ridden a horse", "grown your own vegetables"])
    f = r.choice(["I'm thinking of trying it this year", "I'd love to hear what it was like",
                  "A friend of mine keeps telling me to", "I've always wanted to"])
    return f"Have you ever {exp}? {f}."


@frame(T)
def co_help(r):
    task = r.choice(["the garden", "your essay", "the move", "the cooking on Saturday", "the children next week",
                     "the forms"])
    return r.choice([f"Let me know if you need any help with {task}.",
                     f"I'm happy to help with {task} if you need an extra pair of hands."])


@frame(T)
def co_where(r):
    item = r.choice(["scarf", "lamp", "bag", "jacket", "teapot", "rug", "notebook"])
    return f"Where did you get that {item}? I've been looking for one like it for ages."


@frame(T)
def co_why_dont(r):
    a, b = r.choice([("walk", "waiting for the bus"), ("eat at home", "going out again"), ("leave a bit earlier", "rushing"),
                     ("ask your brother", "buying a new one"), ("meet halfway", "you driving all that way"),
                     ("split the bill", "you paying for everything")])
    return f"Why don't we {a} instead of {b}?"


@frame(T)
def co_borrow(r):
    item, why = r.choice([("umbrella", "is broken"), ("ladder", "isn't tall enough"), ("phone charger", "has stopped working"),
                          ("drill", "is at my brother's house"), ("big saucepan", "is too small for this much soup")])
    dur = r.choice(["the afternoon", "a couple of days", "an hour", "the weekend"])
    return f"Can I borrow your {item} for {dur}? Mine {why}."


@frame(T)
def co_did_say(r):
    p = person(r)
    when = r.choice(["to dinner", "on Saturday", "with us tomorrow", "to the concert"])
    return fmt("Did {N} say whether {he} was coming {w}?", w=when, **p)


@frame(T)
def co_please(r):
    req = r.choice(["switch off the lights", "lock the back door", "leave the key with the neighbours",
                    "close the gate behind you", "put the chairs back"])
    return r.choice([f"Please {req} before you leave.", f"Don't forget to {req} when you go."])

# =============================================================================================
# Opinions and reviews (kept to about 7.5% of rows, mixed in tone)
# =============================================================================================
T = "opinions"
hand(T, """
I enjoyed the book, but I think it could have been a hundred pages shorter.
The museum is small, but every room has something worth stopping for.
To be honest, I preferred the old version of the song.
The film was beautifully shot, even if the story didn't quite hold together.
I don't think the new bridge looks as bad as people say.
The café is nothing special to look at, but the soup is always good.
I found the lecture interesting, although the speaker went far too quickly at the end.
In my view, the town needs more benches, not more car parks.
The second season of the series was slower than the first, but I still watched every episode.
I'm not a big fan of crime novels, but this one kept me reading until two in the morning.
The exhibition was crowded, and I struggled to see half of the paintings.
Everyone raves about that restaurant, but I thought it was just fine.
It's a good hotel for one night, though I wouldn't want to stay there for a week.
I think the new timetable works better for people who commute, but it's worse for everyone else.
The play had a strong cast, but the second act dragged.
I liked the idea of the app more than the app itself.
The walk is harder than the guidebook suggests, but the view at the top is worth it.
Honestly, I think the sequel is better than the original.
I wasn't sure about the new library building at first, but it has grown on me.
The concert was too loud for the size of the room.
The new bus timetable is confusing at first, but it does make the evening buses more frequent.
I liked the first half of the talk much more than the questions at the end.
The garden centre café has become my favourite place for a quiet coffee.
I'm not sure the statue in the square suits the old buildings around it.
Her new album is quieter than her last one, and I think it's better for it.
The walking tour was worth it for the stories alone.
The village fête was smaller than last year, but the cake stall was as good as ever.
I don't mind the rain, but I can't stand the wind.
The renovated station is much brighter, although it has lost some of its old character.
That podcast is fine for a car journey, but I wouldn't go out of my way to listen to it.
I thought the final episode tied things up rather neatly.
The view from the tower is impressive, but I wouldn't climb all those steps again.
""")
OP_THINGS = {
    "the new film": (["beautifully shot", "well acted", "surprisingly funny", "gripping from the start"],
                     ["the ending felt rushed", "it was at least twenty minutes too long", "the music was a bit much"]),
    "the novel": (["cleverly written", "moving", "full of memorable characters", "hard to put down"],
                  ["the middle section dragged", "the twist was easy to guess", "the last chapter felt tacked on"]),
    "the exhibition": (["well organised", "really thought-provoking", "full of surprises"],
                       ["the rooms were too crowded", "some of the labels were hard to read", "it was quite expensive"]),
    "the new café": (["cosy and friendly", "good value for the area", "a nice place to read"],
                     ["the coffee was lukewarm", "it was very noisy at lunchtime", "there weren't enough seats"]),
    "the documentary": (["well researched", "fascinating", "clear and easy to follow"],
                        ["it was a bit one-sided", "it tried to cover too much", "the narrator spoke very fast"]),
    "the hotel": (["clean and quiet", "close to everything", "run by very helpful people"],
                  ["the breakfast was disappointing", "the walls were thin", "the wifi barely worked"]),
    "the concert": (["energetic", "beautifully played", "full of energy"],
                    ["the sound wasn't great at the back", "it started almost an hour late", "the set was quite short"]),
    "the play": (["funny and sharp", "wonderfully staged", "well performed"],
                 ["the seats were uncomfortable", "the plot was hard to follow", "the second half was weaker"]),
}


@frame(T)
def op_thought(r):
    thing = r.choice(list(OP_THINGS))
    good, bad = OP_THINGS[thing]
    g, b = r.choice(good), r.choice(bad)
    return r.choice([f"I thought {thing} was {g}, although {b}.",
                     f"{cap(thing)} was {g}, but {b}.",
                     f"Although {b}, I thought {thing} was {g}.",
                     f"{cap(b)}, but overall {thing} was {g}."])


@frame(T)
def op_disagree(r):
    p = person(r)
    thing = r.choice(list(OP_THINGS))
    good, bad = OP_THINGS[thing]
    if r.random() < 0.5:
        return fmt("{N} found {t} {g}, but I wasn't so sure.", t=thing, g=r.choice(good), **p)
    return fmt("{N} didn't enjoy {t} much, mainly because {b}.", t=thing, b=r.choice(bad), **p)


CLAIMS = ["the town needs more cycle lanes", "libraries are one of the best things a town can offer",
          "school should start a little later in the morning", "the old station building should be turned into a market",
          "people should be allowed to bring dogs on trains", "museums should be free for children",
          "there are too many adverts on television", "the park needs better lighting in the evenings",
          "a four-day working week would suit most people", "the summer holidays are too long",
          "every child should learn to swim at school", "handwritten letters are worth the effort",
          "the town centre would be nicer without cars", "films are often too long these days",
          "board games are better than video games for family evenings", "public transport should run later at weekends"]


@frame(T)
def op_claim(r):
    c = r.choice(CLAIMS)
    return r.choice([f"In my opinion, {c}.", f"I really think {c}.", f"Personally, I'm not convinced that {c}.",
                     f"My father has always said that {c}, and I'm starting to agree.",
                     f"A lot of people argue that {c}, but I'm not sure."])


RECS = [("the little museum by the harbour", "is interested in ships"), ("the walk along the cliffs", "doesn't mind steep paths"),
        ("that bakery", "likes proper sourdough"), ("the night train", "would rather not fly"),
        ("the book club at the library", "wants to read more widely"), ("the beginners' pottery class", "likes making things"),
        ("the botanical gardens", "needs a quiet afternoon"), ("this podcast", "enjoys history"),
        ("the ferry trip to the island", "likes being out on the water"), ("the Tuesday quiz at the Crown", "enjoys a bit of trivia"),
        ("the market café", "likes a big breakfast"), ("the guided walk round the old town", "wants to know about local history")]


@frame(T)
def op_recommend(r):
    a, b = r.choice(RECS)
    return r.choice([f"I'd recommend {a} to anyone who {b}.", f"If you know someone who {b}, tell them about {a}."])


TITLES = ["The Salt Road", "A House by the Estuary", "Winter Orchard", "The Clockmaker's Daughter", "Night Ferry",
          "Small Hours", "The Long Field", "Letters from the Lighthouse", "A Year of Rain", "The Glass Garden"]


@frame(T)
def op_title(r):
    t = r.choice(TITLES)
    kind = r.choice(["novel", "film", "memoir", "series"])
    x = r.choice(["is quite long, but it's never boring", "starts slowly and then becomes hard to stop",
                  "has a wonderful first half and a weaker second half", "is the kind of story you keep thinking about afterwards",
                  "got great reviews, but it didn't really work for me", "is gentle and funny, and nothing much happens"])
    return f"The {kind} {t} {x}."


@frame(T)
def op_rating(r):
    thing = r.choice(["the new pizza place", "the museum café", "last night's film", "the campsite", "the audiobook",
                      "the walking tour", "the new album"])
    n = r.randint(5, 9)
    why = {5: "it was fine but forgettable", 6: "it had good moments but too many dull ones", 7: "it was good, if a bit predictable",
           8: "I'd happily go again", 9: "I can't think of much I'd change"}[n]
    if thing in ("last night's film", "the audiobook", "the new album"):
        why = why.replace("go again", "give it another go")
    return r.choice([f"I'd give {thing} {num(n)} out of ten; {why}.", f"Out of ten, {thing} gets a {num(n)} from me: {why}.",
                     f"If I had to score {thing}, I'd say {num(n)} out of ten, because {why}."])


@frame(T)
def op_better_than(r):
    a, b, why = r.choice([("the book", "the film", "you get to know the characters properly"),
                          ("the live version", "the studio recording", "you can hear the crowd"),
                          ("the old town", "the new shopping district", "it actually has some character"),
                          ("the train", "the plane", "you arrive in the centre of the city"),
                          ("the first series", "the second", "the writing was tighter"),
                          ("the small gallery", "the big museum", "you can see everything in an hour without rushing"),
                          ("the old recipe", "the new one", "it isn't nearly as sweet"),
                          ("the quiet beach", "the main one", "you can actually hear the sea")])
    return r.choice([f"I think {a} is better than {b}, mainly because {why}.",
                     f"Most people prefer {b}, but I'd choose {a}, because {why}."])

PREFER = [("tea", "coffee", "it doesn't keep me awake at night"), ("mornings", "evenings", "I get more done before lunch"),
          ("winter", "summer", "I like cold, clear days"), ("paper books", "e-readers", "I like turning real pages"),
          ("the train", "driving", "I can read on the way"), ("small towns", "big cities", "people have more time to talk"),
          ("walking", "cycling", "you notice more"), ("cooking at home", "eating out", "I know exactly what goes in"),
          ("swimming in the sea", "the pool", "there's more space and no chlorine"),
          ("radio", "television", "I can listen while I do other things"),
          ("autumn", "spring", "I love the colours and the cooler air"), ("board games", "card games", "more people can join in"),
          ("long walks", "the gym", "I like being outside"), ("old films", "new ones", "the stories take their time"),
          ("writing by hand", "typing", "I remember things better"), ("a small party", "a big one", "you can actually talk to people")]


@frame(T)
def op_prefer(r):
    a, b, why = r.choice(PREFER)
    return r.choice([f"I prefer {a} to {b}, mostly because {why}.",
                     f"Given the choice, I'd pick {a} over {b}; {why}."])


PLACES = [("The new park by the river", "a lovely place for a walk", "there aren't enough bins"),
          ("The town's Christmas market", "fun for an hour", "it gets far too crowded in the evenings"),
          ("The beach at the end of the bay", "quieter than the main beach", "there's nowhere to buy a drink"),
          ("The old cinema on the square", "charming", "the seats are very hard"),
          ("The new sports centre", "well equipped", "it's a long way from the bus stop"),
          ("The library's new reading room", "bright and peaceful", "the wifi is slow"),
          ("The hotel by the station", "convenient", "the rooms at the front are noisy"),
          ("The Sunday farmers' market", "a pleasant way to spend a morning", "it is quite expensive"),
          ("The cycle path to the next village", "flat and easy", "it gets muddy after rain"),
          ("The outdoor pool", "beautiful on a sunny day", "the water is always freezing")]


@frame(T)
def op_place(r):
    a, good, bad = r.choice(PLACES)
    return r.choice([f"{a} is {good}, but {bad}.", f"{a} is {good}, even if {bad}.",
                     f"{a} is {good}, although {bad}."])


@frame(T)
def op_changed(r):
    a, b = r.choice([("podcasts were a waste of time", "I listen to one every morning"),
                     ("running was boring", "I look forward to it all week"),
                     ("I'd never enjoy poetry", "I've read three collections this year"),
                     ("the new tram would be a disaster", "I use it every day"),
                     ("opera wasn't for me", "I've booked tickets for two more"),
                     ("gardening was a chore", "it's the most relaxing part of my week"),
                     ("audiobooks were cheating", "I get through two a month on the bus"),
                     ("jazz was just noise", "I go to the club in the basement most Fridays"),
                     ("the new shopping centre would kill the high street", "I think there's room for both"),
                     ("learning a language at forty was pointless", "I can order dinner in Portuguese")])
    return f"I used to think {a}, but now {b}."


@frame(T)
def op_rated(r):
    x = r.choice(["Breakfast in bed", "Camping", "The most famous painting in the gallery", "Staying up to see the new year in",
                  "Fresh pasta", "Long train journeys", "Going to the beach in August"])
    v = r.choice(["is a bit overrated, if you ask me", "is underrated, in my opinion",
                  "is much better than people say", "is nice, but not as special as everyone claims"])
    return f"{x} {v}."

# =============================================================================================
# Customer-service-like questions and requests (kept to about 4% of rows, across many services)
# =============================================================================================
T = "service"
hand(T, """
Could you tell me whether the pool is open on bank holidays?
I'd like to renew my library books, but the website won't let me log in.
Is there step-free access at the station, or will I need help with the wheelchair?
I booked a table for four, but could we make it six?
Hello, I'm calling to check that my appointment on Thursday is still going ahead.
Could you send the invoice to my work address rather than my home address?
Is it possible to change the name on a train ticket?
The parcel was delivered to the wrong house; what should I do?
Do I need to bring any documents to the first appointment?
Could someone call me back this afternoon? I'm in meetings all morning.
Is breakfast included in the price of the room?
I'd like to cancel my gym membership from the end of next month.
""")


@frame(T)
def sv_booking(r):
    act = r.choice(["change", "cancel", "confirm", "move"])
    thing = r.choice(["my booking", "the table I reserved", "my appointment", "our tickets", "my place on the course",
                      "the room I booked"])
    d = f"the {ordinal(r.randint(1, 28))} of {r.choice(MONTHS)}"
    return r.choice([f"I'd like to {act} {thing} for {d}, please.", f"Hello, is it possible to {act} {thing} for {d}?"])


SV_Q = ["the museum is accessible for wheelchair users", "the course fee can be paid in two instalments",
        "the library has any study rooms free on Saturday", "my booking has been confirmed",
        "dogs are allowed in the holiday cottage", "there is parking near the theatre",
        "the swimming lessons for children still have places", "the form can be sent by email",
        "the hotel has a room available on the ground floor", "the tickets can be collected at the door"]


@frame(T)
def sv_q(r):
    q = r.choice(SV_Q)
    return r.choice([f"Could you tell me whether {q}?", f"Hello, I'm writing to ask whether {q}.",
                     f"Could you let me know whether {q}? Thank you."])


@frame(T)
def sv_parcel(r):
    item = r.choice(["parcel", "order", "replacement part", "new bank card", "delivery"])
    return f"My {item} hasn't arrived yet, and the tracking page hasn't changed since {r.choice(DAYS)}."


@frame(T)
def sv_possible(r):
    x = r.choice(["pay by card at the front desk", "leave our luggage here until the evening", "bring my own food",
                  "swap my evening class for a morning one", "get a copy of last year's certificate",
                  "have the furniture delivered after six", "add another person to the booking"])
    return r.choice([f"Is it possible to {x}?", f"Would it be possible to {x}?", f"Do you know if I can {x}?"])


@frame(T)
def sv_problem(r):
    a = r.choice(["The heating in our room isn't working", "The confirmation email never arrived",
                  "The link in your message doesn't open", "I was sent the wrong size",
                  "The meter reading on my bill looks wrong"])
    b = r.choice(["could someone take a look", "could you help me sort it out", "what should I do next",
                  "who is the best person to speak to"])
    return f"{a}; {b}?"

@frame(T)
def sv_hours(r):
    place = r.choice(["swimming pool", "library", "museum", "recycling centre", "ticket office", "town hall"])
    d = r.choice(["Sundays", "bank holidays", "Saturdays", "Christmas Eve"])
    return r.choice([f"What time does the {place} open on {d}?", f"Could you tell me whether the {place} is open on {d}?"])


@frame(T)
def sv_callback(r):
    topic = r.choice(["my booking", "the quote you sent", "my application", "the repair", "the missing parcel"])
    when = r.choice(["after five", "before nine in the morning", "at lunchtime", "any time on Friday"])
    return f"Could someone call me back about {topic}? The best time to reach me is {when}."


@frame(T)
def sv_address(r):
    acct = r.choice(["my library account", "my gym membership", "the magazine subscription", "my council tax account",
                     "my water bill"])
    return r.choice([f"I've moved house; could you update my address on {acct}?",
                     f"Please could you change the email address on {acct}? I no longer use the old one."])

# =============================================================================================
# Assembly
# =============================================================================================


def norm_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,.;?!])", r"\1", text)
    return cap(text)


def n_words(text: str) -> int:
    return len(text.split())


def n_sentences(text: str) -> int:
    return 1 + len(re.findall(r"[.?!]\s+(?=[A-Z\"])", text))


def build(seed: int = SEED):
    rng = random.Random(seed)
    seen: dict[str, str] = {}  # normalised key -> topic (dict, so nothing depends on set order)
    rows: list[dict] = []
    rejected = Counter()
    for topic, quota in QUOTAS.items():
        count = 0
        for text in HAND.get(topic, []):
            text = tidy(text)
            key = norm_key(text)
            if key in seen:
                rejected["duplicate"] += 1
                continue
            seen[key] = topic
            rows.append(dict(text=text, topic=topic, source="hand-written", frame="hand"))
            count += 1
        assert count <= quota, (topic, count, quota)
        alive = list(FRAMES[topic])
        used = Counter()
        while count < quota and alive:
            for fn in list(alive):
                if count >= quota:
                    break
                for _ in range(40):
                    text = tidy(fn(rng))
                    key = norm_key(text)
                    if key in seen:
                        rejected["duplicate"] += 1
                        continue
                    if not MIN_WORDS <= n_words(text) <= MAX_WORDS:
                        rejected["length"] += 1
                        continue
                    seen[key] = topic
                    rows.append(dict(text=text, topic=topic, source="template", frame=fn.__name__))
                    used[fn] += 1
                    count += 1
                    break
                else:
                    alive.remove(fn)  # this frame has run out of new sentences
                    continue
                if used[fn] >= MAX_PER_FRAME:
                    alive.remove(fn)
        if count < quota:
            raise SystemExit(f"topic {topic!r}: only {count} unique rows for a quota of {quota}")
    rng.shuffle(rows)  # topics interleaved, so any prefix of the file has the same mix
    return rows, rejected


def stats(rows, rejected) -> str:
    texts = [r["text"] for r in rows]
    words = [n_words(t) for t in texts]
    out = []
    out.append(f"seed {SEED}")
    out.append(f"rows {len(texts)}, unique texts {len(dict.fromkeys(texts))}, "
               f"unique after lower-casing and dropping punctuation {len(dict.fromkeys(norm_key(t) for t in texts))}")
    out.append(f"rejected while generating: {rejected['duplicate']} duplicates, {rejected['length']} outside "
               f"{MIN_WORDS}-{MAX_WORDS} words")
    out.append(f"words per row: mean {statistics.mean(words):.1f}, median {statistics.median(words):g}, "
               f"min {min(words)}, max {max(words)}, "
               f"{sum(8 <= w <= 30 for w in words) / len(words):.1%} have 8-30 words")
    bins = [(1, 7), (8, 12), (13, 17), (18, 22), (23, 30), (31, 99)]
    out.append("length histogram (words): " + ", ".join(
        f"{a}-{b if b < 99 else ''}: {sum(a <= w <= b for w in words)}" for a, b in bins))
    chars = sum(len(t) for t in texts)
    out.append(f"characters: {chars:,} in all, {chars / len(texts):.0f} per row; vocabulary "
               f"{len(dict.fromkeys(w for t in texts for w in re.findall(r'[a-z]+', t.lower())))} word types")
    two = sum(n_sentences(t) >= 2 for t in texts)
    q = sum("?" in t for t in texts)
    neg = sum(bool(re.search(r"\b(not|never|no|nobody|nothing|n't)\b|n't", t)) for t in texts)
    digits = sum(bool(re.search(r"\d", t)) for t in texts)
    out.append(f"two or more sentences: {two} ({two / len(texts):.1%}); questions: {q} ({q / len(texts):.1%}); "
               f"negation: {neg} ({neg / len(texts):.1%}); contain digits: {digits} ({digits / len(texts):.1%})")
    src = Counter(r["source"] for r in rows)
    out.append(f"source: {src['hand-written']} hand-written sentences, {src['template']} from "
               f"{len({r['frame'] for r in rows} - {'hand'})} templates (frames)")
    out.append("")
    out.append(f"{'topic':<15}{'rows':>6}{'share':>8}{'hand':>6}{'frames':>8}{'words':>7}")
    by_topic = Counter(r["topic"] for r in rows)
    for topic in QUOTAS:
        rs = [r for r in rows if r["topic"] == topic]
        h = sum(r["source"] == "hand-written" for r in rs)
        fr = len({r["frame"] for r in rs} - {"hand"})
        mw = statistics.mean(n_words(r["text"]) for r in rs)
        out.append(f"{topic:<15}{by_topic[topic]:>6}{by_topic[topic] / len(rows):>8.1%}{h:>6}{fr:>8}{mw:>7.1f}")
    return "\n".join(out)


def write(rows, path: Path = OUT) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(["text"])
        for r in rows:
            w.writerow([r["text"]])


def main(argv: list[str]) -> None:
    rows, rejected = build()
    assert len(rows) == TOTAL
    write(rows)
    print(stats(rows, rejected))
    print(f"\nwrote {OUT.relative_to(HERE.parent.parent) if HERE.parent.parent in OUT.parents else OUT} "
          f"({OUT.stat().st_size:,} bytes)")
    if "--sample" in argv:
        k = int(argv[argv.index("--sample") + 1]) if len(argv) > argv.index("--sample") + 1 else 30
        print()
        for r in random.Random(1).sample(rows, k):
            print(f"[{r['topic']}] {r['text']}")


if __name__ == "__main__":
    main(sys.argv[1:])
