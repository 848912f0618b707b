"""Generate the "intents" sample task for Distillation Lab.

A fine-grained intent-detection dataset for a bank / online-shop support
assistant: 16 intents in 5 groups of confusable neighbours.  Everything is
written by this script (hand-made phrase banks + seeded composition); nothing
is downloaded or copied from a public dataset.

Run from the repository root:

    python assets/tasks/intents/make_intents.py

It rewrites train.csv, validation.csv, test.csv, transfer.csv and groups.json
next to this file.  Output is fully determined by SEED (stdlib only; no set
iteration, no hash-dependent ordering).

How a message is built
----------------------
Each intent has phrase banks:

* ``situations``  - statements that identify the intent on their own
                    ("I lost my card at the station").
* ``asks``        - requests / continuations that identify the intent but need
                    a shared group context before them ("..., can I still
                    cancel").
* ``followups``   - requests that only make sense after a situation and need
                    not identify the intent ("can I freeze it until I find it",
                    "is there a fee").
* ``standalone``  - complete messages ("how do I report a stolen card").
* ``borderline``  - hand-written messages that sit between two neighbours but
                    still have one defensible label (see CARD.md).

Each *group* also has banks that are shared by all its intents and so carry
no label information by themselves:

* ``contexts``    - shared openings ("I ordered a kettle last week") that are
                    only used together with an intent-specific ask.
* ``asks``        - shared requests ("what should I do now") that are only
                    used after an intent-specific situation.

So in "I ordered a kettle last week, can I still cancel" vs "I ordered a
kettle last week, where is it" the label is carried by the meaning of one
part while the rest of the vocabulary is shared with the neighbours.

Templates use ``[a|b|c]`` for inline alternatives (an empty alternative makes
the words optional) and ``{slot}`` for slot fillers from SLOTS.  A message is
then wrapped (greeting / closing in a polite, neutral or angry tone) and
given a surface style (lower-casing, dropped punctuation, typos).

Uniqueness is enforced on a normalised *core* (the message before greeting,
closing and typos, lower-cased, digits folded, punctuation removed), so no two
rows anywhere in the dataset share a core, and therefore no text is in two
splits; the final texts are also unique after the same folding.  USE_CAPS
limits how often one template (or template pair) is used, so rows that differ
only in a slot filler stay rare.  Each intent's pool is shuffled before it is
cut into test / validation / train / transfer, so the four splits are iid
draws from one distribution.
"""

from __future__ import annotations

import csv
import json
import os
import re
import random

SEED = 20240611
HERE = os.path.dirname(os.path.abspath(__file__))

N_TRAIN, N_VALIDATION, N_TEST = 40, 10, 16   # per intent
N_TRANSFER = 2400                            # unlabelled pool, all intents
MAX_WORDS = 24                               # longest message after wrapping

# ---------------------------------------------------------------------------
# Slot fillers.  Repeated entries are simply more likely.
# ---------------------------------------------------------------------------

SLOTS: dict[str, list[str]] = {
    "card": ["card", "card", "card", "card", "debit card", "debit card",
             "credit card", "bank card", "visa card", "atm card",
             "mastercard", "contactless card"],
    "when": ["yesterday", "last night", "this morning", "today", "on saturday",
             "over the weekend", "two days ago", "an hour ago", "earlier today",
             "on monday", "last week", "on friday night"],
    # what follows "since" ("since two days" is common Indian English)
    "since": ["yesterday", "last night", "this morning", "saturday", "monday",
              "last week", "the weekend", "two days", "friday", "3 days"],
    "place": ["on the bus", "at the station", "on the train", "at the mall",
              "in a taxi", "at the gym", "at the supermarket", "at a restaurant",
              "at the pub", "at work", "on the metro", "at the airport",
              "at the market", "at the cinema", "at a concert", "in the park"],
    "shop": ["at the supermarket", "at the petrol station", "at a gas station",
             "online", "at the pharmacy", "at a restaurant", "at the checkout",
             "at the atm", "at the cinema", "at a hotel", "at the grocery store",
             "at the petrol pump", "on a website", "at the coffee shop",
             "in a shop abroad", "at the train ticket machine"],
    "days": ["3 days", "a week", "two weeks", "10 days", "over a month",
             "5 working days", "ten days", "4 days", "nearly three weeks",
             "15 days", "six days"],
    # singular nouns starting with a consonant, so "a {item}" always reads well
    "item": ["jacket", "blender", "kettle", "dress", "lamp", "backpack",
             "toaster", "hoodie", "phone case", "coffee machine", "watch",
             "skirt", "shirt", "sweater", "rug", "desk chair", "suitcase",
             "charger", "bike helmet", "mattress", "tablet", "printer",
             "vacuum cleaner", "speaker", "monitor", "hair dryer", "toy car",
             "winter coat", "pair of shoes", "pair of jeans"],
    "person": ["my friend", "my mum", "my landlord", "my brother",
               "my sister", "a supplier", "my colleague", "my son",
               "my daughter", "my dad", "a client", "my flatmate",
               "my cousin", "my wife", "my husband", "the builder",
               "my tutor", "my uncle"],
    "xfer": ["transfer", "transfer", "transfer", "bank transfer", "payment",
             "money transfer", "wire transfer", "international transfer",
             "online transfer", "upi payment", "neft transfer"],
    # things with a size, for "doesn't fit" complaints
    "wearable": ["jacket", "dress", "hoodie", "skirt", "shirt", "sweater",
                 "winter coat", "pair of shoes", "pair of jeans",
                 "pair of trainers", "t-shirt", "coat", "pair of boots"],
    # things that can break or stop working
    "gadget": ["blender", "kettle", "toaster", "coffee machine", "hair dryer",
               "vacuum cleaner", "speaker", "printer", "tablet", "charger",
               "lamp", "monitor", "watch", "desk fan", "phone charger"],
    # when something was bought, for refunds (long enough ago to be returned)
    "past": ["last week", "two weeks ago", "last month", "a few days ago",
             "on the 3rd", "10 days ago", "at the start of the month",
             "in the sale last week"],
    "colour": ["blue", "black", "red", "green", "grey", "white", "pink",
               "navy"],
}

AMOUNT_FORMATS = ["£{n}", "${n}", "{n} rupees", "{n} rs", "€{n}",
                  "{n} pounds", "{n} dollars", "{n} euros", "{n} bucks"]
AMOUNT_VALUES = [20, 40, 50, 75, 100, 120, 150, 200, 250, 300, 450, 500,
                 800, 1000, 1500, 2000, 5000, 10000]


def fill_special(name: str, rng: random.Random, chosen: dict[str, str]) -> str:
    """Slots that are computed rather than picked from a list."""
    if name == "amount":
        return rng.choice(AMOUNT_FORMATS).format(n=rng.choice(AMOUNT_VALUES))
    if name == "ordno":
        digits = "".join(rng.choice("0123456789") for _ in range(rng.choice([5, 6, 7])))
        return rng.choice(["#", "", "no ", "number "]) + digits
    if name.endswith("2") and name[:-1] in SLOTS:  # e.g. {item2}: a different item
        base = name[:-1]
        return rng.choice([x for x in SLOTS[base] if x != chosen.get(base)])
    raise KeyError(name)


ALT_RE = re.compile(r"\[([^\[\]]*)\]")
SLOT_RE = re.compile(r"\{(\w+)\}")


def expand(template: str, rng: random.Random) -> str:
    """Resolve [a|b] alternatives, then {slot} fillers, then tidy spaces."""
    text = ALT_RE.sub(lambda m: rng.choice(m.group(1).split("|")), template)
    chosen: dict[str, str] = {}

    def slot(m: re.Match) -> str:
        name = m.group(1)
        if name in chosen:  # the same slot twice in one message means the same thing
            return chosen[name]
        if name in SLOTS and name + "2" in chosen:  # {item2} came first: differ from it
            value = rng.choice([x for x in SLOTS[name] if x != chosen[name + "2"]])
        else:
            value = rng.choice(SLOTS[name]) if name in SLOTS else fill_special(name, rng, chosen)
        chosen[name] = value
        return value

    text = SLOT_RE.sub(slot, text)
    # "a online transfer" -> "an online transfer" ("a upi payment" stays)
    text = re.sub(r"\b([Aa]) (?=(?!u[pns])[aeiou])", r"\1n ", text)
    return re.sub(r"\s+", " ", text).strip()


# ---------------------------------------------------------------------------
# Phrase banks, one block per group.
# ---------------------------------------------------------------------------

GROUPS: dict[str, dict] = {}
INTENTS: dict[str, dict] = {}


def group(name: str, *, contexts=(), asks=()) -> None:
    GROUPS[name] = {"contexts": list(contexts), "asks": list(asks), "intents": []}


def intent(name: str, grp: str, *, definition: str, situations=(), asks=(),
           followups=(), standalone=(), borderline=()) -> None:
    INTENTS[name] = {"group": grp, "definition": definition,
                     "situations": list(situations), "asks": list(asks),
                     "followups": list(followups),
                     "standalone": list(standalone), "borderline": list(borderline)}
    GROUPS[grp]["intents"].append(name)


# ---- cards: the card itself is the problem --------------------------------
# "card" appears everywhere; the block / replace follow-ups fit lost and
# stolen alike, so the label rests on what happened to the card.
group("cards", asks=[
    "what should I do now",
    "what do I do",
    "please help",
    "can you check",
    "please look into it",
])

BLOCK_FOLLOWUPS = [  # shared by card_lost and card_stolen
    "can you block it",
    "please block my {card}",
    "I need to freeze my {card} [right away|now|immediately]",
    "how do I cancel [it|the card]",
    "can I get a replacement",
    "please send me a new [one|{card}]",
    "can you stop anyone using it",
    "kindly block the card immediately",
    "need a new one asap",
    "is my money safe",
    "how do I report it",
    "can you put a stop on it",
    "how long for a replacement",
    "please help me block it",
    "I want to block the card",
]

intent(
    "card_lost", "cards",
    definition="The customer has misplaced their card and cannot find it; nothing suggests anyone took it.",
    situations=[
        "I lost my {card} {when}",
        "I [can't|cannot|can not] find my {card} anywhere",
        "my {card} isn't in my wallet anymore and I don't know where it went",
        "I think I left my {card} {place}",
        "I must have dropped my {card} {place}",
        "I['ve| have] misplaced my {card}",
        "my card is lost [since {since}|]",
        "I've looked everywhere and my {card} is [gone|nowhere to be found]",
        "my {card} went missing {when}",
        "I don't remember where I put my {card}",
        "I think I left my card at the [till|checkout|counter] {when}",
        "can't find my {card} since I moved house",
        "my {card} [fell|must have fallen] out of my pocket somewhere",
        "I lost my wallet [{place}|{when}] and my {card} was in it",
        "my [son|daughter|kid] lost my {card}",
        "I have lost my {card}, I [searched|checked] my whole [house|flat|room]",
        "I am not able to find my {card} since {since}",
        "card missing, no idea where it went",
        "I had my {card} {when} and now I can't find it",
        "somewhere between the shop and home my card disappeared",
        "I [misplaced|lost] my {card} while travelling",
        "my card is lose [, searched everywhere|]",
        "I put my card down somewhere {place} and now it's gone",
        "I left my {card} somewhere and can't remember where",
        "my {card} is missing and I have no clue where I left it",
    ],
    followups=BLOCK_FOLLOWUPS + [
        "can I freeze it until I find it",
        "can I temporarily freeze it in case it turns up",
        "I might still find it, can I just lock it for now",
        "what if I find it later",
        "do I have to cancel it or can I wait a day",
    ],
    standalone=[
        "[lost|misplaced] my {card}",
        "{card} lost [help|pls|urgent|]",
        "can't find [my|the] {card}",
        "my {card} is missing",
        "I lost my card [help|pls|]",
        "where do I report a lost card",
        "how do I report a lost card",
        "lost [card|my card], what do I do",
        "what's the process if you lose your card",
        "I need to report my {card} as lost",
        "report lost {card} [please|pls]",
        "is there a fee to replace a lost card",
        "can I still pay with my phone if I lost my physical card",
        "I lost my card abroad, how do I get a new one while travelling",
        "where in the app do I mark my card as lost",
        "how to freeze my card, I can't find it",
        "misplaced card, do I need to cancel it or can I freeze it till I find it",
        "lost card replacement how long",
        "what happens if I lose my {card}",
    ],
    borderline=[
        # near card_stolen: unsure, but the customer does not claim theft
        "lost my wallet {place}, not sure if it fell out or what, my card was in it",
        "I left my card in a taxi {when} and the driver says he doesn't have it",
        # near card_stolen, but the customer is explicit that it was not taken
        "I don't think it was stolen, I just can't find my card",
        "nobody took it I think, my card just isn't in my [bag|wallet] anymore",
        # near card_stolen: left behind, then gone; nobody was seen taking it
        "I forgot my card in the atm {when} and when I went back it was gone",
        # near card_not_arrived: the card did arrive, then went missing
        "my new card came last week but I've already misplaced it",
        "the card you sent arrived fine but now I can't find it anywhere",
        # contains "wallet was gone" but the wallet turned up without the card
        "found my wallet under the car seat but the card isn't in it",
    ],
)

intent(
    "card_stolen", "cards",
    definition="The customer believes their card was taken by someone else (theft, pickpocketing, robbery, break-in).",
    situations=[
        "my {card} was stolen {when}",
        "someone stole my {card} {place}",
        "my wallet got stolen {place} with my {card} in it",
        "I got pickpocketed {place} and my {card} was in my wallet",
        "my bag was snatched {place}, my {card} was inside",
        "someone took my {card} out of my bag {place}",
        "I was robbed {when} and they took my cards",
        "my purse was nicked {place} with my {card} in it",
        "a guy grabbed my wallet {place} and ran, my {card} was in it",
        "my car was broken into and my {card} was in the glovebox",
        "my card got stolen and there are payments I didn't make",
        "a thief took my {card} {place}",
        "I was mugged {when}, they got my {card}",
        "my phone and {card} were stolen {place}",
        "someone has taken my card and is using it",
        "my [room|flat|house] was broken into and my {card} is gone",
        "I am robbed {when} and my card also taken",
        "I saw someone run off with my wallet {place}",
        "my {card} was stolen from my locker at the gym",
        "somebody lifted my wallet {place}, card and all",
        "my handbag was stolen {place} and all my cards were in it",
        "someone swiped my {card} off the table {place}",
    ],
    followups=BLOCK_FOLLOWUPS + [
        "do I need a police report",
        "can you check for payments I didn't make",
        "someone might be using it right now",
        "will I get back the money they spent",
        "do you need the crime reference number",
    ],
    standalone=[
        "card stolen [help|pls|]",
        "my {card} got stolen",
        "someone stole my {card}",
        "[wallet|purse|bag] stolen with my card in it",
        "I was pickpocketed, card gone",
        "stolen {card} [report|block pls]",
        "how do I report a stolen card",
        "stolen card, need it blocked [now|asap]",
        "I need to report the theft of my {card}",
        "do I need a police report for a stolen card",
        "will I get my money back if my stolen card was used",
        "what happens if someone uses my stolen card",
        "my card was stolen, do you need a crime reference number",
        "card stolen, please block [it|]",
        "what to do when your card is stolen",
    ],
    borderline=[
        # near card_lost: missing card plus payments the customer did not make
        "my card is missing and there's a payment at a shop I've never been to",
        "I looked away from my bag for a minute {place} and my card was taken from it",
        # near card_lost: nothing was seen, but the customer believes theft
        "I think someone took my card, it's gone from my bag",
        "my card was in my jacket {place} and now it's gone, I think someone took it",
        "I'm sure someone took my card while I wasn't looking {place}",
        # near card_declined: it fails because a thief has been using it
        "my card is gone from my wallet and I see payments I never made",
        # near card_not_arrived: the card arrived, then the post was stolen
        "someone stole my post from the doorstep and my new card was in it",
    ],
)

intent(
    "card_not_arrived", "cards",
    definition="A new or replacement card that was ordered or promised has not reached the customer yet.",
    situations=[
        "I closed my old account and the card for the new one hasn't come",
        "I [ordered|requested] a new {card} {days} ago and it [still hasn't arrived|hasn't come yet|is not here]",
        "my new {card} hasn't arrived [yet|]",
        "I am not receiving my card till now",
        "still waiting for my replacement card",
        "my card was supposed to come {days} ago",
        "the card you sent never reached me",
        "I haven't received my {card} in the [post|mail]",
        "you said my card would arrive in 5 days, it's been {days}",
        "I opened my account {days} ago and still no card",
        "the replacement for my expired card hasn't shown up",
        "no card in the [mail|post] yet",
        "my {card} has not been delivered till date",
        "card not received even after {days}",
        "the courier says delivered but I never got my card",
        "when I ordered my card it said 3 to 5 days, nothing yet",
        "I've been checking the post every day and my card isn't here",
        "I applied for a {card} {days} ago and have not got it",
        "my replacement card is taking [forever|ages]",
        "the new card you promised has not come",
        "I requested a card {days} ago and it's not here [yet|]",
        "my renewed {card} never turned up",
        "waiting {days} for my first {card}",
    ],
    followups=[
        "where is it",
        "when will it arrive",
        "can you track it",
        "can you send another one",
        "should I order a new one",
        "how much longer do I have to wait",
        "has it even been sent",
        "can you check if it was dispatched",
        "was it sent to the right address",
    ],
    standalone=[
        "card not arrived [yet|]",
        "new card not here yet",
        "still no {card}",
        "[my|the] new {card} never came",
        "didn't get my new {card}",
        "card not delivered [yet|]",
        "how long does it take for a new card to arrive",
        "when will I get my new {card}",
        "has my card been dispatched yet",
        "where is my new card",
        "can you track my card delivery",
        "card delivery status pls",
        "is my new card on its way",
        "how many days for debit card delivery",
        "new card not arrived",
        "still no sign of my [new|replacement] card",
    ],
    borderline=[
        # mention lost / stolen, but the question is the replacement that never came
        "the replacement for my lost card never came",
        "I reported my card stolen {days} ago and the new one still hasn't arrived",
        # contains "lost", but the card never reached the customer
        "my new card never made it to me, maybe it got lost in the post",
        "I think the post lost my new card, it never came",
        # near card_stolen: suspicion, but the card never arrived
        "my card never arrived, could someone have taken it from the mailbox",
        "I moved house, did my new card go to the old address, it never came",
    ],
)

intent(
    "card_declined", "cards",
    definition="The customer still has the card but it is refused when paying or withdrawing.",
    situations=[
        "my {card} got declined {shop}",
        "my card was declined {shop} even though I have money",
        "my {card} keeps getting rejected",
        "I tried to pay {shop} and it said transaction declined",
        "my card isn't working {shop}",
        "my card payment got refused {shop}",
        "my {card} doesn't work for online payments",
        "I was embarrassed at the checkout because my card was declined",
        "the atm won't let me withdraw, it says card declined",
        "my card is not working since {since}",
        "my {card} [stopped|has stopped] working",
        "tried to use my card abroad and it was declined",
        "contactless isn't working on my {card}",
        "card declined again",
        "the machine says do not honour when I use my card",
        "every time I use my {card} {shop} it fails",
        "my card payment didn't go through {shop}",
        "my card gets rejected {shop} but works {shop2}",
        "the terminal keeps saying card declined",
        "my {card} got declined for a tiny amount {shop}",
        "I [tried|tried to pay] with my card {shop} and it says insufficient funds but I have money",
    ],
    followups=[
        "why",
        "what's going on",
        "can you fix this",
        "is my card blocked",
        "there's plenty of money in my account",
        "can you unblock it",
        "please check what is the issue",
        "why is this happening",
        "is there a problem with my card",
        "what is wrong with my card",
    ],
    standalone=[
        "card declined [again|]",
        "my {card} keeps declining",
        "why card decline",
        "card not working in shops",
        "payment declined on my {card}",
        "card rejected [again|everywhere]",
        "why was my card declined",
        "why does my card keep getting declined",
        "card declined but I have enough balance",
        "what does declined transaction mean",
        "why is my {card} not working",
        "my card keeps failing at checkout",
        "why can't I pay with my card",
        "card getting declined [everywhere|online|abroad]",
    ],
    borderline=[
        # mentions arrival, but the new card is refused when used
        "my new card arrived but it gets declined everywhere",
        "I unfroze my card after finding it and it still gets declined",
        # card is physically present; "blocked" vocabulary overlaps lost/stolen
        "I have my card right here but it keeps getting declined",
        "my card is in my hand but the shop says it's blocked",
        # near card_lost: worked before a trip, now refused
        "I found my card after losing it but now it gets declined",
        # near transfer_failed: a payment failed, but it was a card payment in a shop
        "payment failed {shop} when I used my card, the money is in my account",
    ],
)

# ---- transfers: money sent from the account -------------------------------
group("transfers", contexts=[
    "I sent {amount} to {person} {when}",
    "I transferred {amount} to {person} {when}",
    "I made a {xfer} to {person} {when}",
    "I paid {person} by bank transfer {when}",
    "I did a {xfer} of {amount} {when}",
    "I sent money to {person}",
    "about my {xfer} to {person}",
    "regarding the {xfer} I made {when}",
], asks=[
    "please check",
    "what do I do now",
    "can you look into it",
    "please help, it's urgent",
    "can someone check my transfer",
])

intent(
    "transfer_failed", "transfers",
    definition="A transfer was rejected, errored or returned and did not go through.",
    situations=[
        # "closed" here is the recipient's account, not the customer's
        "my transfer bounced because the account I sent it to is closed",
        "it says the receiving account is closed and my {xfer} failed",
        "the person I paid says my transfer bounced",
        "my {xfer} to {person} failed",
        "I tried to send {amount} to {person} but it failed",
        "the transfer got rejected",
        "my {xfer} bounced back",
        "I sent money to {person} and it came back to my account",
        "the money I transferred was returned to me",
        "the app says transfer unsuccessful",
        "I get an error every time I try to transfer money",
        "my {xfer} to {person} was declined",
        "my transfer was cancelled by the bank",
        "it says transaction failed when I send money",
        "I am not able to transfer money, it shows error",
        "the transfer to {person} didn't go through",
        "my transfer to my own account at another bank keeps failing",
        "my international transfer was rejected by the receiving bank",
        "tried [three|3] times to send money and it fails every time",
        "my {xfer} failed with an error [message|code]",
        "the {xfer} was reversed and the money is back in my account",
        "transfer failed [again|twice today]",
    ],
    asks=[
        "why did it fail",
        "can you tell me why it was rejected",
        "how do I fix the error",
        "but it came back to my account",
        "but it says failed",
        "and it got rejected",
        "but the app shows an error",
    ],
    followups=[
        "what went wrong",
        "can I try again",
        "was my money deducted",
        "why did it fail",
        "how do I fix it",
    ],
    standalone=[
        "transfer failed [again|]",
        "my {xfer} failed",
        "transfer rejected",
        "payment to {person} failed",
        "transfer error [again|]",
        "my transfer bounced",
        "why did my transfer fail",
        "why was my transfer rejected",
        "what does transfer failed mean",
        "why do my transfers keep failing",
        "transfer not going through, error every time",
        "why did my payment to {person} bounce",
    ],
    borderline=[
        # wrong details, but the bank rejected it, so nothing reached anyone
        "I sent money to {person} but it was returned because the name didn't match",
        # was pending, then ended as failed
        "the transfer was pending all day and then it said failed",
        # near transfer_pending: it sat as processing, then came back
        "the transfer said processing for two days but then the money came back",
        # money left the account, but status is failed
        "the transfer shows failed but the money has left my account",
        # near transfer_wrong_recipient: wrong details, so the bank rejected it
        "I typed the account number wrong and the transfer got rejected",
    ],
)

intent(
    "transfer_pending", "transfers",
    definition="A transfer shows as sent or processing but the money has not reached the recipient yet.",
    situations=[
        "the person I sent money to hasn't got it yet",
        "I sent {amount} to {person} {when} and it still hasn't arrived",
        "my {xfer} is still pending",
        "my transfer has been processing for {days}",
        "the transfer shows sent but {person} hasn't got it yet",
        "the money left my account but {person} says nothing came in",
        "{person} still hasn't received the money I sent",
        "my {xfer} is stuck on pending",
        "the {xfer} has been in progress since {since}",
        "my transfered money is not credited to beneficiary till now",
        "I transferred money {when} and it's still not showing in my other account",
        "the payment to {person} is taking ages",
        "it's been {days} and the transfer is still not complete",
        "status says in process for my {xfer}",
        "{person} is still waiting for the money I sent",
        "sent money on friday, still not there",
        "my international transfer is still on its way after {days}",
        "my {xfer} says processing since {since}",
    ],
    asks=[
        "how long does it take",
        "when will it arrive",
        "is there a delay",
        "can you speed it up",
        "why is it taking so long",
        "but it hasn't arrived yet",
        "and it's still pending",
        "but they haven't got it yet",
        "and it still says processing",
    ],
    followups=[
        "how long does it take",
        "when will it arrive",
        "is there a delay",
        "can you speed it up",
        "why is it taking so long",
        "should I be worried",
    ],
    standalone=[
        "transfer [still|] pending",
        "transfer not received yet",
        "money sent but not received [yet|]",
        "my transfer is stuck",
        "transfer still processing",
        "{xfer} not reached yet",
        "how long do transfers take",
        "how long does an international transfer take to arrive",
        "why is my transfer still pending",
        "what does pending mean on my transfer",
        "when will my transfer reach {person}",
        "my transfer is taking too long",
    ],
    borderline=[
        "the transfer hasn't failed, it's just sitting there as pending",
        "I sent money to the right account but it's been {days} and nothing",
        # near transfer_failed: no error, it just hasn't landed
        "no error message but my transfer still hasn't reached {person}",
        # near transfer_wrong_recipient: details were checked and are right
        "I checked the account details and they are right, the money just hasn't arrived yet",
        # near refund_status: money "not arrived", but it is an outgoing transfer
        "the money I sent {person} {when} is still not in their account",
    ],
)

intent(
    "transfer_wrong_recipient", "transfers",
    definition="The customer sent money to the wrong person or account by mistake and wants it back.",
    situations=[
        "I sent money to the wrong person",
        "I transferred {amount} to the wrong account",
        "I made a typo in the account number and sent money to someone else",
        "I accidentally paid my old landlord instead of my new one",
        "I picked the wrong contact and sent {amount}",
        "I sent the money to a stranger by mistake",
        "my transfer went to the wrong account because I entered the wrong details",
        "I sent money meant for {person} to someone else",
        "I paid the wrong payee",
        "wrong beneficiary selected while transferring",
        "I mixed up two account numbers and the money went to the wrong one",
        "I sent {amount} to a person with the same name as {person}",
        "I typed one digit wrong in the sort code and the money went somewhere else",
        "I transfered money to wrong upi id",
        "I sent {amount} to an old account of {person} that they don't use",
        "I accidentally sent {amount} to the wrong number",
    ],
    asks=[
        "but it went to the wrong person",
        "but I used the wrong account number",
        "but it was the wrong account",
        "but I chose the wrong payee",
    ],
    followups=[
        "can you reverse it",
        "please recall the payment",
        "can you contact the person who got it",
        "how do I get my money back",
        "can I get it back",
        "is it possible to stop it",
    ],
    standalone=[
        "sent money to [the|] wrong person",
        "transfer to wrong account",
        "paid the wrong person",
        "sent to wrong payee by mistake",
        "money went to wrong account",
        "wrong account number, money gone",
        "how do I recall a payment sent to the wrong account",
        "can you reverse a transfer I made by mistake",
        "what happens if I send money to the wrong person",
        "I need to get back money I sent to the wrong account",
        "sent to wrong account how to get it back",
    ],
    borderline=[
        # near transfer_pending: "didn't get it", because it went to an old account
        "{person} says they didn't get it, turns out I used their old account number",
        "the money didn't bounce, it landed in a stranger's account because of my typo",
        # near transfer_pending: it hasn't bounced, because it reached a real wrong account
        "I sent money to the wrong account number and it hasn't bounced back",
        # near transfer_failed: it succeeded, just to the wrong place
        "the transfer went through fine but to the wrong person",
        # near refund_request: "money back", but from a mistaken transfer
        "I want my money back, I sent it to the wrong person",
    ],
)

# ---- refunds: getting money back for a purchase ---------------------------
# Contexts are shared: the same complaint can lead to asking for money
# (refund_request) or to asking how to send the thing back (return_item).
group("refunds", contexts=[
    "the {wearable} I bought [doesn't fit|is too small|is too big]",
    "I don't like the {item}",
    "I changed my mind about the {item}",
    "the {gadget} broke after [a day|a week|two uses]",
    "the {item} looks nothing like the pictures",
    "I bought the {item} as a gift and they already have one",
    "the {colour} {item} looks different in real life",
    "I bought a {item} {past}",
    "about the {item} I ordered {past}",
    "the {item} is not what I expected",
    "the {gadget} stopped working",
], asks=[
    "what are my options",
    "can you help",
    "what can I do",
    "please help",
])

intent(
    "refund_status", "refunds",
    definition="A refund was already agreed or started (or the item already sent back) and the customer asks where the money is.",
    situations=[
        "the shop closed my return case but I still have no refund",
        "the return was accepted but no refund yet",
        "my return is marked as received but where is my money",
        "the return label was used {days} ago and I'm still waiting for the money",
        "I returned the {item} {days} ago and still no refund",
        "I was told I'd get a refund but the money isn't in my account",
        "my refund hasn't come through yet",
        "you approved my refund {days} ago and I have not received it",
        "the refund for my {item} is still not showing",
        "I sent back the {item} and haven't got my money back yet",
        "I am still waiting for my refund for the {item}",
        "refund was initiated but not credited till now",
        "the shop said they refunded me but I don't see it on my card",
        "I got an email saying refund processed but no money yet",
        "you received my return {days} ago but no money yet",
        "my refund is taking forever",
        "it's been {days} since my refund was approved",
        "the refund for my cancelled order has not reached me",
        "your courier collected the {item} {days} ago, where's my money",
        "the refund you promised still isn't in my account",
    ],
    asks=[
        "but the refund hasn't arrived",
        "and I'm still waiting for the refund",
        "you said you would refund me, where is it",
        "I sent it back already, when do I get the money",
        "the refund was approved but nothing yet",
    ],
    followups=[
        "when will I get it",
        "where is my money",
        "how long do refunds take",
        "can you check",
        "what's the status",
        "when will it be credited",
        "has it been processed",
    ],
    standalone=[
        "where's my refund",
        "refund not received yet",
        "still waiting on [my|the] refund",
        "refund delayed",
        "no refund yet",
        "refund still not in my account",
        "where is my refund",
        "how long does a refund take to show up",
        "refund status [pls|please]",
        "has my refund been processed",
        "when will my refund reach my account",
        "can you check on my refund",
        "still no refund, what's going on",
        "refund not received",
    ],
    borderline=[
        # near refund_request: the refund was already asked for
        "I asked for a refund {days} ago and heard nothing back",
        "you agreed to refund the delivery fee but it's not in my account",
        # near return_item: the item is already back, the question is the money
        "I returned the parcel two weeks ago, do I get my money back or not",
        "I dropped the {item} at the post office last week, when will the money show",
        # near cancel_order: the cancellation is done, only the refund is missing
        "I cancelled my order {days} ago and the money still isn't back",
    ],
)

intent(
    "refund_request", "refunds",
    definition="The customer asks to be given money back for a purchase or charge (starting a refund).",
    situations=[
        "I want a refund for the {item}",
        "I'd like my money back for the {item}",
        "the {gadget} I bought broke after a day, I want my money back",
        "I was charged twice for my order, please refund one",
        "I paid for express delivery but it came late, I want that refunded",
        "the {item} is not as described, I want a full refund",
        "the event was cancelled, can I get my money back",
        "I was charged for a subscription I [cancelled|already cancelled]",
        "I am not happy with the {item}, please give me refund",
        "you overcharged me for the {item}",
        "the discount code didn't apply, refund the difference please",
        "the price dropped a day after I bought the {item}, can I get the difference back",
        "I want to claim a refund for a faulty {gadget}",
        "please refund my money for the {item}",
    ],
    asks=[
        "can I get a refund",
        "please refund me",
        "I want my money back",
        "I would like a full refund",
        "kindly process the refund",
        "I want a refund, not a replacement",
        "can you give me my money back",
    ],
    followups=[
        "I still have the receipt",
        "can you do it today",
        "the order number is {ordno}",
        "I paid by card",
    ],
    standalone=[
        "I want a refund",
        "refund please",
        "need a refund for my {item}",
        "give me my money back for the {item}",
        "requesting a refund",
        "I want my money back for this {item}",
        "how do I ask for a refund",
        "can I get a refund without sending the item back",
        "I want to request a refund",
        "am I eligible for a refund",
        "refund please, the product is useless",
        "how do I get my money back for a purchase",
    ],
    borderline=[
        # near return_item: wants the money, not an exchange or a return
        "can I get my money back instead of an exchange",
        "I don't want to send the {item} back, just refund me",
        # near return_item / wrong_item_received: damaged, but wants money not a return
        "the {item} arrived damaged and I want a refund, not a replacement",
        # near refund_status: nothing has been started yet
        "I haven't asked for a refund yet but I want one for the {item}",
        # near cancel_order: the order was delivered, so it is a refund not a cancellation
        "it's already delivered so I can't cancel, I just want my money back",
    ],
)

intent(
    "return_item", "refunds",
    definition="The customer asks how or whether they can send a product back (return process, label, window, exchange).",
    situations=[
        # without the word "return"
        "I want to send the {item} back, it's unused",
        "how do I post the {item} back to you",
        "can I bring the {item} back to a store",
        "I need to swap the {wearable} for a smaller size",
        "how do I return the {item}",
        "I want to send back the {item}",
        "can I return the {item} I bought {past}",
        "where do I drop off a return",
        "I need a return label for my {item}",
        "I want to return part of my order",
        "can I return the {item} in store or does it have to be by post",
        "I want to exchange the {wearable} for a different size",
        "can someone collect the {item} from my house for a return",
    ],
    asks=[
        "how do I return it",
        "can I send it back",
        "how do I send it back",
        "where do I get a return label",
        "can I still return it",
        "what is the return process",
        "can I swap it for a different one",
        "do I need the original box to return it",
        "can I drop it off at a store",
    ],
    followups=[
        "I still have the receipt",
        "it's unused",
        "it's still in the box",
        "the tags are still on",
    ],
    standalone=[
        "how to return [an item|something|it]",
        "return label please",
        "I want to return my {item}",
        "start a return",
        "exchange for another size",
        "how do I return [stuff|things]",
        "do you send a return label",
        "how many days do I have to return something",
        "can I return an item I bought in a sale",
        "is the return free or do I pay for postage",
        "is the return window 30 days",
        "how do returns work",
        "what is your return policy",
        "do I need a receipt to return something",
    ],
    borderline=[
        # contains "refund", but the customer wants an exchange
        "I don't want a refund, I want to swap the {wearable} for a bigger size",
        # near wrong_item_received: the right item came, the customer doesn't need it
        "the {item} you sent is the right one but I don't need it now, can I send it back",
        # near refund_request: mentions the refund, but the question is how to send it back
        "I'd like to send the {item} back and get a refund, how do I do that",
        "how do I post the {item} back so I can get my money",
        # near wrong_item_received: the customer ordered the wrong size themselves
        "I ordered the wrong size myself, can I send it back",
    ],
)

# ---- orders: an order's delivery -----------------------------------------
group("orders", contexts=[
    "I ordered a {item} {when}",
    "I placed an order for a {item} {days} ago",
    "I bought a {item} on your website {when}",
    "about my order {ordno}",
    "my order {ordno}",
    "I made an order {when}",
    "I purchased a {item} on the app {when}",
    "regarding order {ordno}",
    "the {item} I ordered",
], asks=[
    "can you help",
    "please look into it",
    "what do I do",
])

intent(
    "order_status", "orders",
    definition="The customer asks where their order is or when it will be delivered.",
    situations=[
        "my {item} was meant to arrive {when} and it's not here",
        "no delivery yet for my {item}",
        "the courier keeps rescheduling my delivery",
        "my order still says processing after {days}",
        "the tracking shows my parcel in another city",
        "my order hasn't arrived yet",
        "my parcel is late",
        "the tracking says out for delivery since {since}",
        "my package was supposed to come {when}",
        "the delivery date passed and still nothing",
        "I am waiting for my order since {days}",
        "the courier hasn't come",
        "my tracking number isn't working",
        "my order is stuck in transit",
        "the tracking hasn't updated in {days}",
        "I still haven't received my order",
        "it's been {days} and no sign of my parcel",
        "my delivery is late again",
    ],
    asks=[
        "where is it",
        "when will it arrive",
        "it still hasn't arrived",
        "can you tell me where it is",
        "when will it be delivered",
        "has it shipped yet",
        "has it been dispatched",
        "is it on the way",
        "can I get a tracking number",
    ],
    followups=[
        "where is it",
        "when will it arrive",
        "can you tell me where it is",
        "has it shipped yet",
        "is it on the way",
        "can I get a tracking number",
        "can I get it by the weekend",
    ],
    standalone=[
        "where's my parcel",
        "order status [pls|please|]",
        "track [my|] order",
        "order not arrived",
        "package [late|delayed]",
        "where is my {item} order",
        "where is my order",
        "track my order [pls|please]",
        "when will my package arrive",
        "what's the status of my order {ordno}",
        "has my order shipped",
        "can you give me an update on my delivery",
        "order not delivered yet",
        "is my order on the way",
        "when is my parcel coming",
    ],
    borderline=[
        # contains "cancel" / "refund", but asks where the order is
        "don't cancel anything, I just want to know where my order is",
        "you refunded my delivery fee but where is the actual parcel",
        # says delivered, but nothing came: still a where-is-it question
        "it says delivered but I haven't got the parcel",
        # near cancel_order: annoyed, but only asks for the delivery date
        "I almost cancelled because it's so late, just tell me when it will come",
        # near card_not_arrived: a card reader ordered from the shop, not a bank card
        "the card reader I ordered from you still hasn't arrived",
    ],
)

intent(
    "cancel_order", "orders",
    definition="The customer wants to cancel an order (or part of it) before it is delivered.",
    situations=[
        # without the word "cancel"
        "please don't send my order, I don't want it anymore",
        "I no longer want the {item} I ordered, stop it please",
        "can you call off my order {ordno}",
        "I want to withdraw my order before it's packed",
        "please hold back my order, I don't want it",
        "don't ship the {item}, I changed my mind",
        "I ordered the {item} twice by accident, cancel one of them",
        "I don't need the {item} anymore, cancel the order please",
        "can you cancel my order before it's dispatched",
        "I want to cancel the {item} I ordered {when}",
        "my plans changed, please cancel my order",
        "I placed a duplicate order by mistake, please cancel one",
        "I found it cheaper elsewhere, cancel my order",
        "I don't want my order anymore",
        "cancel order {ordno} [please|pls|]",
        "I want to cancel my order",
        "I need to cancel the order I placed {when}",
        "please stop my order before it ships",
        "I ordered by mistake and want to cancel it",
    ],
    asks=[
        "please don't send it",
        "I don't want it anymore, stop it",
        "don't ship it",
        "I want to cancel it",
        "can I still cancel",
        "please cancel it",
        "how do I cancel",
        "cancel it before it ships",
        "I don't need it anymore, please cancel",
        "can you stop the order",
        "I changed my mind, cancel it",
    ],
    followups=[
        "it hasn't shipped yet",
        "will I be charged",
        "is there a fee",
        "can you confirm by email",
        "I don't need it anymore",
    ],
    standalone=[
        "cancel [my|the] order",
        "cancel my order please",
        "I want to cancel my order",
        "cancel my {item} order",
        "stop my order",
        "need to cancel an order",
        "how do I cancel an order",
        "can I cancel an order after it has shipped",
        "is there a fee to cancel",
        "cancel my order [pls|please]",
        "where is the cancel button for orders",
        "can I cancel just one item from my order",
    ],
    borderline=[
        "my order hasn't shipped yet and I no longer want it",
        "before my parcel arrives can I cancel it",
        # near wrong_item_received: the customer's own mistake, not yet delivered
        "I ordered the wrong size by mistake, please cancel before you send it",
        # near order_status: complains about delay, but the request is to cancel
        "the delivery is taking too long, I just want to cancel",
        # near refund_request: mentions refund, but the action is cancelling
        "please cancel my order and refund me",
    ],
)

intent(
    "wrong_item_received", "orders",
    definition="The delivered order contains a different product, size or colour than the customer ordered.",
    situations=[
        "I received the wrong item",
        "you sent me the wrong size",
        "I got a {item} instead of the {item2} I ordered",
        "the package had someone else's order in it",
        "the item I got is not what I ordered",
        "I ordered {colour} and you sent {colour2}",
        "received wrong product in my order",
        "the parcel contained a different model",
        "the shoes are a size 9 but I ordered a 7",
        "what came in the box is not what I paid for",
        "you delivered a {item2}, I ordered a {item}",
    ],
    asks=[
        "but you sent me the wrong item",
        "but I received a {item2} instead",
        "but the box had a completely different product",
        "but it came in the wrong colour",
        "but you sent the wrong size",
        "but what arrived is not what I ordered",
        "but I got someone else's parcel",
    ],
    followups=[
        "what do I do now",
        "can you send the right one",
        "I need the correct one",
        "can you swap it for the right one",
        "who pays for sending it back",
    ],
    standalone=[
        "wrong item [sent|delivered]",
        "wrong size sent",
        "got the wrong order",
        "wrong colour delivered",
        "not what I ordered",
        "you sent the wrong {item}",
        "what do I do if I got the wrong item",
        "wrong item delivered",
        "you sent me the wrong thing",
        "wrong product in my parcel",
    ],
    borderline=[
        # near return_item: asks how to return, but the problem is the wrong item
        "the wrong item came, how do I return it and get the right one",
        # near return_item: wants to send it back because the shop sent the wrong thing
        "I want to return this because it's not what I ordered, you sent a {item2}",
        # near order_status: the parcel came, with the wrong thing inside
        "the parcel finally came but with the wrong {item} inside",
        # near return_item: asks about returning, but the cause is the shop's mistake
        "I got the wrong item, do I need to return it",
        # near refund_request
        "you sent the wrong {item}, can you send the right one or refund me",
    ],
)

# ---- account: access to online banking / the app -------------------------
group("account", contexts=[
    "I can't log into my account",
    "I can't get into the app",
    "I can't access my online banking",
    "I'm unable to sign in",
    "I've been trying to log in since {since}",
    "login isn't working for me",
], asks=[
    "please help",
    "what should I do",
    "can someone help me",
])

intent(
    "password_reset", "account",
    definition="The customer forgot or wants to change their login password, or the reset process is not working.",
    situations=[
        # without the word "password"
        "I can't remember my login details",
        "I forgot my [passcode|login pin|login code] for the app",
        "I need to set new login details",
        "my login credentials aren't working and I think I forgot them",
        "I don't remember what I set as my passcode",
        "I forgot how to log in, what I type is wrong",
        "I need a link to choose a new login code",
        "the email to set a new passcode never arrived",
        "I keep typing my password and it says incorrect",
        "I need a new password for the app",
        "the forgot password button isn't doing anything",
        "I never got the code to reset my password",
        "I set a new password {when} and already forgot it",
        "my password expired and I have to make a new one",
        "I want to update my password for security",
        "I don't know my password anymore",
        "I think someone knows my password, I want to change it",
        "the reset password page keeps giving an error",
        "my old password doesn't work after the update",
        "I forgot my password",
        "I need to reset my password",
        "the password reset email never came",
        "my reset link expired",
        "I changed phones and don't remember my password",
        "I want to change my password",
        "I don't remember my login password",
        "I forgot my password and my security answer",
        "the reset link says invalid",
        "I can't remember my [online banking|app] password",
    ],
    asks=[
        "because I forgot my password",
        "I think I forgot my password",
        "how do I reset my password",
        "the reset link doesn't work",
        "can you send me a new password",
        "I don't remember the password",
    ],
    followups=[
        "how do I reset it",
        "can you send a new link",
        "I need to log in today",
        "I don't have access to my old email",
    ],
    standalone=[
        "forgot my login details",
        "how do I get a new passcode",
        "can't remember my app passcode",
        "forgot password [help|pls|]",
        "reset [my|] password",
        "forgot my password",
        "new password please",
        "password reset link [pls|]",
        "need a password reset",
        "how do I reset my password",
        "forgot password",
        "how can I change my login password",
        "password reset not working",
        "where do I change my password in the app",
        "reset password link not coming",
    ],
    borderline=[
        # near account_locked: afraid of a lock, needs a reset
        "I'm worried I'll get locked out, I forgot my password",
        "I want to set a new password before my account gets locked",
        "the app isn't blocked, I just can't remember the password",
        # near account_locked: can't log in, but nothing is blocked
        "my password isn't working, I think I typed a new one and forgot it",
        "I'm not locked out, I just need to set a new password",
    ],
)

intent(
    "account_locked", "account",
    definition="The customer's account or app access is blocked, frozen or suspended and they want it unlocked.",
    situations=[
        "it says my account is closed temporarily for security reasons",
        "the app says my account is on hold and closed for transactions",
        # mention the password, but the problem is the lock
        "I typed my password wrong a few times and now I'm locked out",
        "my password is correct but it says my account is suspended",
        "even after changing my password the app says my account is blocked",
        "it says too many wrong password attempts and my account is on hold",
        "I used the reset link and my account is still frozen",
        "I entered the wrong pin too many times and now I'm locked out",
        "my account has been on hold since {since}",
        "the app says access denied, contact the bank",
        "my online banking got suspended after I logged in from abroad",
        "you blocked my account after a suspicious login",
        "my account is locked for verification and I already sent my documents",
        "I can't use my account, it says it's been restricted",
        "my account was deactivated without warning",
        "my account is disabled since {since}",
        "the app says I'm temporarily locked out, try again in 24 hours",
        "my internet banking is blocked",
        "my account is locked",
        "the app says my account is suspended",
        "I've been locked out of my account",
        "my account was frozen for security reasons",
        "I can't log in, it says account disabled",
        "my account is blocked and I don't know why",
        "you froze my account without telling me",
        "I got a message that my account was restricted",
        "my account is temporarily blocked",
        "my online banking is locked",
        "the app locked me out after I put the wrong pin",
    ],
    asks=[
        "it says my account is locked",
        "it says too many attempts",
        "it says my account has been suspended",
        "can you unlock it",
        "how do I unlock my account",
        "when will it be unlocked",
        "why was it locked",
        "it says my account is blocked",
    ],
    followups=[
        "can you unlock it",
        "how do I get access back",
        "when will it be unlocked",
        "why",
        "I need it unlocked today",
    ],
    standalone=[
        "account locked",
        "locked out [of my account|of the app|]",
        "account blocked",
        "my account is frozen",
        "unlock account [pls|please|]",
        "account suspended, why",
        "how do I unlock my account",
        "why is my account blocked",
        "account locked, please unlock",
        "how long does an account lock last",
        "unlock my account [pls|please]",
    ],
    borderline=[
        # the customer guesses "closed", but the state is a block they want lifted
        "did you close my account, it says access blocked, I want it back",
        "I know my password is right but it says my account is locked",
        # near close_account: the bank closed access; the customer wants it back
        "the bank froze my account, how do I get it back",
        # near password_reset: wrong password caused it, but the problem now is the lock
        "my account got blocked after I entered the wrong password three times",
        "I reset my password but it still says my account is locked",
        # near close_account: "frozen", but the customer wants it back
        "you froze my account, I want to keep using it, please unfreeze",
    ],
)

intent(
    "close_account", "account",
    definition="The customer wants to close or delete their account for good.",
    situations=[
        # without the word "close"
        "I want to terminate my account with you",
        "please shut my account down, I'm leaving your bank",
        "I want to end my account with you for good",
        "get rid of my account please, I'm with another bank now",
        "I'm leaving your bank for good, what do I need to do with my account",
        "remove my [account|profile] [permanently|for good]",
        "I forgot I even had this account, I don't need it, please delete it",
        "my account is useless to me now, please terminate it",
        "I no longer need this account, please close it",
        "I have opened an account elsewhere and want to close this one",
        "kindly close my account [at the earliest|with immediate effect]",
        "please terminate my account",
        "I would like to end my relationship with the bank and close my account",
        "I want to close the joint account I have with my ex",
        "I want to close my business account",
        "can you close the account I opened for my son",
        "I want to close this account and withdraw everything",
        "I'm leaving the country so I need to close my account",
        "I'd like my account closed by the end of the month",
        "remove my account and all my data",
        "I'm not happy with your service and want to close my account",
        "we want to close our joint account",
        "how can I close my account without going to a branch",
        "I want to close my account",
        "I'd like to close my account",
        "please delete my account",
        "I'm moving abroad and want to close my account",
        "I don't use this account anymore, please close it",
        "I'm switching banks, how do I close my account",
        "I want to cancel my account",
        "I want to deactivate my account permanently",
        "close my account and send my balance to my other bank",
        "how do I shut down my account",
        "I want to close my late [mother's|father's] account",
        "I'm done with this bank, close my account",
        "I want to close my savings account",
    ],
    followups=[
        "I'll move my money out first",
        "do I need to visit a branch",
        "can it be done today",
        "I have {amount} left in it",
        "what do I do with my cards",
        "how do I do it",
        "is there a fee",
        "what happens to my balance",
        "please process it",
        "what documents do you need",
    ],
    standalone=[
        "close account",
        "close my account",
        "delete my account",
        "account closure [please|]",
        "I want to close my account",
        "shut my account please",
        "how do I close my account",
        "close my account [pls|please]",
        "can I close my account online",
        "is there a fee to close an account",
        "what happens to my money if I close my account",
    ],
    borderline=[
        "I don't want to lock my account, I want to close it for good",
        "please block my account permanently, I'm moving to another bank",
        # "freeze"/"lock" vocabulary of account_locked, but the wish is to end it
        "I want to freeze my account forever, I'm done with this bank",
        "lock my account permanently, I don't want it anymore",
    ],
)

# ---------------------------------------------------------------------------
# Wrappers (greeting / closing) and surface noise.
# ---------------------------------------------------------------------------

TONES = {
    # tone: (probability, prefixes, suffixes)
    "neutral": (0.6,
                ["hi", "hey", "hiya", "hello", "ok so", "um", "quick question",
                 "hi there", "yo", "hey team"],
                ["thanks", "thx", "ty", "pls", "please", "pls help",
                 "any idea", "cheers", "thanks a lot"]),
    "polite": (0.25,
               ["hello,", "good morning,", "good evening,", "dear team,",
                "dear sir/madam,", "respected sir,", "hello, I hope you can help.",
                "excuse me,", "sorry to bother you,", "hi, good afternoon,"],
               ["thank you", "thanks in advance", "many thanks",
                "I would appreciate your help", "kindly do the needful",
                "please revert", "kindly help", "please advise",
                "thank you for your help", "please revert at the earliest"]),
    "angry": (0.15,
              ["seriously,", "this is a joke,", "ugh", "again!!", "honestly",
               "third time asking,", "why is this so hard,", "come on,"],
              ["this is ridiculous", "sort it out", "worst service ever",
               "I'm so fed up", "fix this now", "absolutely unacceptable",
               "answer me", "asap", "I'm losing my patience",
               "not happy at all"]),
}

# word -> misspellings seen in real chat (applied per word, case-insensitive)
TYPOS = {
    "received": ["recieved", "recived"], "receive": ["recieve"],
    "receiving": ["recieving"], "transferred": ["transfered", "tranferred"],
    "transfer": ["tranfer", "transfr"], "please": ["pls", "plz", "plese"],
    "account": ["acount", "accnt", "a/c"], "password": ["pasword", "passwrd"],
    "cancel": ["cancle", "cancell"], "cancelled": ["canceled", "cancled"],
    "refund": ["refnd", "refund"], "because": ["bcoz", "cuz", "coz"],
    "you": ["u"], "your": ["ur"], "arrived": ["arived", "arrivd"],
    "money": ["mony", "money"], "don't": ["dont", "do not"],
    "can't": ["cant", "cannot"], "i'm": ["im", "i am"],
    "delivered": ["deliverd", "deliverd"], "wrong": ["wrnog", "worng"],
    "immediately": ["immediatly", "immediately"], "yesterday": ["yesterdy", "yday"],
    "declined": ["declind", "decliend"], "order": ["oder", "ordr"],
    "still": ["stil"], "replacement": ["replacment"], "already": ["alredy"],
    "what": ["wat", "wht"], "thanks": ["thnx", "thnks"], "know": ["kno"],
    "there": ["their"], "stolen": ["stollen"], "address": ["adress"],
    "minutes": ["mins"], "something": ["smth", "somethin"],
    "tomorrow": ["tmrw"], "with": ["wth"], "missing": ["misssing"],
    "pending": ["pendng"], "anymore": ["any more"], "isn't": ["isnt"],
    "hasn't": ["hasnt"], "haven't": ["havent"], "didn't": ["didnt"],
    "it's": ["its"], "where": ["were", "wer"], "are": ["r"],
}

QUESTION_STARTS = ("how", "what", "where", "when", "why", "can", "could", "is",
                   "do", "does", "has", "have", "will", "should", "am", "are",
                   "was", "did", "would")


def is_question(part: str) -> bool:
    words = part.lower().split()
    return bool(words) and words[0].strip(",") in QUESTION_STARTS


def is_request(part: str) -> bool:
    low = part.lower()
    return is_question(part) or low.startswith(
        ("please", "kindly", "need ", "i want", "i need", "i would", "i'd", "help"))


def join(a: str, b: str, rng: random.Random) -> str:
    """Join two clauses the way people type them in a chat box."""
    if b.split()[0].lower() in ("but", "and", "because", "so"):
        return a + rng.choice([", ", " ", " "]) + b
    joiner = rng.choice([", ", ", ", " ", ". ", " - ", " and ", " so ", "... "])
    if joiner == " so " and not is_request(b):
        joiner = rng.choice([", ", " and "])  # "..., so it says locked" reads wrong
    if joiner in (" and ", " so ") and is_question(b) and rng.random() < 0.5:
        joiner = ", "
    return a + joiner + b


# How often one template (or one pair of templates) may be used in the whole
# dataset.  Without caps a template with slots yields many rows that differ
# only in a filler ("... reached my brother" / "... reached my sister").
USE_CAPS = {"situation": 4, "situation+ask": 1, "context+ask": 2,
            "standalone": 3, "borderline": 3}


def compose(name: str, rng: random.Random, usage: dict) -> tuple[str, str]:
    """Build the core of one message for `name` (no greeting, no noise).

    Returns (core, mode) where mode says which banks were combined.
    `usage` counts template uses; callers commit a use with commit_use()."""
    spec, grp = INTENTS[name], GROUPS[INTENTS[name]["group"]]
    modes = [("situation", 0.27), ("situation+ask", 0.23), ("context+ask", 0.2),
             ("standalone", 0.2), ("borderline", 0.1)]
    while True:
        r, acc = rng.random(), 0.0
        for mode, p in modes:
            acc += p
            if r < acc:
                break
        if mode == "situation" and spec["situations"]:
            parts = (rng.choice(spec["situations"]),)
        elif mode == "situation+ask" and spec["situations"]:
            # the situation carries the label; the follow-up need not
            situation = rng.choice(spec["situations"])
            pool = grp["asks"] + spec["followups"]
            if is_question(situation.split(", ")[-1]) or is_question(situation):
                # "how do I shut down my account, how do I do it" reads wrong
                pool = [f for f in pool if not is_question(f)] or ["please help"]
            parts = (situation, rng.choice(pool))
        elif mode == "context+ask" and grp["contexts"] and spec["asks"]:
            # a shared group context carries no label; the intent ask does
            parts = (rng.choice(grp["contexts"]), rng.choice(spec["asks"]))
        elif mode == "standalone" and spec["standalone"]:
            parts = (rng.choice(spec["standalone"]),)
        elif mode == "borderline" and spec["borderline"]:
            parts = (rng.choice(spec["borderline"]),)
        else:
            continue
        key = (mode,) + parts
        if usage.get(key, 0) >= USE_CAPS[mode]:
            continue
        template = parts[0] if len(parts) == 1 else join(parts[0], parts[1], rng)
        return expand(template, rng), key


def commit_use(usage: dict, key: tuple) -> None:
    usage[key] = usage.get(key, 0) + 1


def wrap(core: str, rng: random.Random) -> str:
    """Add an optional greeting / closing in one tone, and end punctuation."""
    r, acc = rng.random(), 0.0
    for tone, (p, prefixes, suffixes) in TONES.items():
        acc += p
        if r < acc:
            break
    text = core
    if is_question(core.split(". ")[-1].split(", ")[-1]) or is_question(core):
        end = rng.choice(["?", "?", "?", "??", ""])
    else:
        end = rng.choice([".", "", "", "!" if tone == "angry" else "."])
    text += end
    if rng.random() < 0.25:
        text = rng.choice(prefixes) + " " + text
    if rng.random() < 0.25:
        sep = " " if text[-1] in ".?!" else rng.choice([", ", " ", ". "])
        text = text + sep + rng.choice(suffixes)
    if tone == "angry" and rng.random() < 0.08:
        text = text.upper()
    return text


def add_typos(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    for i, w in enumerate(words):
        bare = w.strip(".,!?").lower()
        if bare in TYPOS and rng.random() < 0.45:
            words[i] = w.lower().replace(bare, rng.choice(TYPOS[bare]))
    if rng.random() < 0.25:  # one fat-finger swap of two adjacent letters
        long_words = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
        if long_words:
            i = rng.choice(long_words)
            w = words[i]
            j = rng.randrange(1, len(w) - 2)
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    return " ".join(words)


def surface(text: str, rng: random.Random) -> str:
    """Casing, punctuation and typos as typed into a chat box."""
    if not text.isupper():
        r = rng.random()
        if r < 0.55:
            text = text.lower()
        elif r < 0.9:
            text = text[0].upper() + text[1:]
            text = re.sub(r"([.?!] )([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)
        # else: leave as written ("I" capitalised, first letter lower)
    if rng.random() < 0.35:
        text = add_typos(text, rng)
    if rng.random() < 0.4:  # no punctuation at all
        text = re.sub(r"[.,!?;:\"()]", "", text).replace("'", "")
        text = text.replace(" - ", " ")
    return re.sub(r"\s+", " ", text).strip()


def core_key(core: str) -> str:
    """Normalised core used for uniqueness: case, digits and punctuation folded."""
    core = re.sub(r"\d+", "0", core.lower()).replace("'", "")
    return " ".join(re.findall(r"[a-z0-9£$€]+", core))


# ---------------------------------------------------------------------------
# Sampling and splits
# ---------------------------------------------------------------------------

def transfer_counts(rng: random.Random) -> dict[str, int]:
    """Roughly balanced per-intent sizes (about +-10%) summing to N_TRANSFER."""
    weights = {n: rng.uniform(0.9, 1.1) for n in INTENTS}
    total = sum(weights.values())
    counts = {n: int(N_TRANSFER * w / total) for n, w in weights.items()}
    names = list(INTENTS)
    i = 0
    while sum(counts.values()) < N_TRANSFER:
        counts[names[i % len(names)]] += 1
        i += 1
    return counts


def build(seed: int = SEED):
    rng = random.Random(seed)
    n_xfer = transfer_counts(rng)
    used: dict[str, str] = {}   # core key -> intent (across the whole dataset)
    seen_texts: set[str] = set()  # normalised final texts (membership only)
    usage: dict[tuple, int] = {}  # template (pair) -> times used, see USE_CAPS
    collisions: list[tuple[str, str, str]] = []
    modes: dict[str, dict[str, int]] = {}  # intent -> mode -> rows (for the report)
    # split -> [(text, label, mode)]; mode is only used for reporting
    rows = {"train": [], "validation": [], "test": [], "transfer": []}
    for name in INTENTS:
        need = N_TEST + N_VALIDATION + N_TRAIN + n_xfer[name]
        cores: list[str] = []
        core_modes: list[str] = []
        modes[name] = {}
        attempts = 0
        while len(cores) < need:
            attempts += 1
            if attempts > 200_000:
                raise RuntimeError(f"{name}: only {len(cores)} unique cores of {need}")
            core, use_key = compose(name, rng, usage)
            mode = use_key[0]
            key = core_key(core)
            n_words = len(key.split())
            if key in used:
                if used[key] != name:
                    collisions.append((key, used[key], name))
                continue
            if not 2 <= n_words <= 20:
                continue
            used[key] = name
            commit_use(usage, use_key)
            cores.append(core)
            core_modes.append(mode)
            modes[name][mode] = modes[name].get(mode, 0) + 1
        texts = []
        for core in cores:  # (core_modes[k] is the mode of cores[k])
            # greeting/closing are optional; keep the whole message short, and
            # unique even after case/punctuation folding (a closing such as
            # "pls help" can recreate another row's core)
            for attempt in range(50):
                text = surface(wrap(core, rng) if attempt < 40 else core, rng)
                if len(text.split()) <= MAX_WORDS and core_key(text) not in seen_texts:
                    break
            else:
                raise RuntimeError(f"could not make a unique message from {core!r}")
            seen_texts.add(core_key(text))
            texts.append(text)
        a, b, c = N_TEST, N_TEST + N_VALIDATION, N_TEST + N_VALIDATION + N_TRAIN
        tagged = [(t, name, m) for t, m in zip(texts, core_modes)]
        # short / borderline banks run out early during sampling, so shuffle
        # the finished pool before slicing: every split is an iid draw
        rng.shuffle(tagged)
        rows["test"] += tagged[:a]
        rows["validation"] += tagged[a:b]
        rows["train"] += tagged[b:c]
        rows["transfer"] += tagged[c:]
    for split in rows.values():
        rng.shuffle(split)
    return rows, collisions, modes


def main() -> None:
    rows, collisions, modes = build()
    for split in ("train", "validation", "test"):
        with open(os.path.join(HERE, f"{split}.csv"), "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["text", "label"])
            w.writerows([(t, label) for t, label, _ in rows[split]])
    with open(os.path.join(HERE, "transfer.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["text"])
        w.writerows([(t,) for t, _, _ in rows["transfer"]])
    groups = {g: spec["intents"] for g, spec in GROUPS.items()}
    with open(os.path.join(HERE, "groups.json"), "w", encoding="utf-8") as f:
        json.dump(groups, f, indent=2)
        f.write("\n")
    sizes = ", ".join(f"{k}={len(v)}" for k, v in rows.items())
    print(f"wrote {sizes} to {HERE} (seed {SEED})")
    kinds = ["situation", "situation+ask", "context+ask", "standalone", "borderline"]
    total = {k: sum(m.get(k, 0) for m in modes.values()) for k in kinds}
    print("composition mix:", ", ".join(f"{k}={v}" for k, v in total.items()))
    if collisions:
        print(f"note: {len(collisions)} cores generated for two intents were skipped")
        for key, first, second in collisions[:20]:
            print(f"  {key!r}: {first} / {second}")


if __name__ == "__main__":
    main()
