"""Generate the "sentiment" sample task of Distillation Lab (3 classes: negative / neutral / positive).

Everything here is written by the project itself: phrase banks per domain, composed by small
functions, one per phenomenon. Deterministic: the same SEED gives byte-identical files.

    python assets/tasks/sentiment/make_sentiment.py

writes train.csv, validation.csv, test.csv (text,label) and transfer.csv (text) next to this file
and prints the statistics quoted in CARD.md.

Label rules (also in CARD.md):
* The label is the reviewer's overall attitude to the thing reviewed.
* Contrast ("X but Y", "X. However, Y", "Although X, Y"): the clause that is NOT conceded wins,
  i.e. the clause after but/however/still, or the main clause next to although/though/even if.
* Mixed feelings that the reviewer explicitly calls balanced ("so it evens out", "Pros: .. Cons: ..",
  "mixed feelings") are neutral, unless a final verdict follows ("Mixed feelings, but I'd still go back.").
* Sarcasm is labelled by what is meant, not by the words: "Oh great, another update that deletes all
  your settings." is negative.
* Faint praise ("fine, I guess", "does the job, nothing more") is neutral.
* Sentiment words that describe the content or the reviewer's circumstances, not the thing's quality
  ("a thriller about a terrible storm", "for my sister, who loves crime novels") do not count.
"""

from __future__ import annotations

import csv
import random
import re
import zlib
from collections import Counter
from pathlib import Path

SEED = 20240611
HERE = Path(__file__).resolve().parent

LABELS = ("negative", "neutral", "positive")
NEG, NEU, POS = LABELS

# Rows per split and label (negative, neutral, positive): balanced-ish, not exactly equal.
QUOTAS = {
    "train": {NEG: 204, NEU: 192, POS: 204},
    "validation": {NEG: 51, NEU: 48, POS: 51},
    "test": {NEG: 102, NEU: 96, POS: 102},
    "transfer": {NEG: 680, NEU: 640, POS: 680},
}
# Share of compositions (see `key` in each frame) reserved for the test split: a test row's
# composition (e.g. the pair of clauses in a "but" sentence) never occurs in train, validation
# or transfer, although every word and phrase does.
TEST_BUCKET_PERCENT = 20


# ---------------------------------------------------------------------------------------------
# Domain phrase banks.
#   past      : experiences are told in the past ("was"), products in the present ("is")
#   subjects  : singular noun phrases, lower case
#   general   : subjects that suit every clause of the domain (used where a subject meets a clause)
#   pos / neg : clauses about one aspect, lower case, no final full stop
#   facts     : neutral, factual full sentences
#   good_np / bad_np : noun phrases used by the sarcasm frames (bad_np) and their sincere twins
#   quant_good / quant_bad : clauses where only world knowledge about amounts tells good from bad
#   context   : neutral sentences whose sentiment words are about something else
#   aspects   : nouns for short lists ("great food, rude staff")
#   compar    : things to compare with
#   questions : neutral questions ("Does anyone know if ...?")
#   again     : what a happy customer would do again
# ---------------------------------------------------------------------------------------------

DOMAINS = [
    dict(
        name="restaurant", past=True, item="place", again="go back",
        general=["this place", "the restaurant", "our meal"],
        subjects=["the carbonara", "the ramen", "the tasting menu", "the Sunday roast", "the burger",
                  "the pad thai", "the brunch", "the seafood platter", "the curry", "this place",
                  "the steak", "the pizza", "the vegan menu", "the set lunch", "the dim sum",
                  "the chocolate tart", "the new bistro", "the taco truck"],
        pos=["the staff were lovely", "the pasta was cooked perfectly",
             "our waiter remembered every order without writing anything down",
             "the portions were generous", "the bread was still warm from the oven",
             "the dessert was worth the trip on its own",
             "they found us a table even though we hadn't booked", "the spice level was spot on",
             "everything tasted really fresh", "the wine list was fairly priced",
             "the chef came out to say hello", "the sauce was rich and silky",
             "the service was quick and friendly", "the kids were made to feel really welcome"],
        neg=["the soup was lukewarm", "we waited forty minutes for our drinks",
             "the steak came out grey and chewy", "the waiter forgot half our order",
             "the table was sticky", "the fries were soggy",
             "it was so loud we couldn't hear each other", "the bill had two dishes we never ordered",
             "the chicken was dry", "the portions were tiny for the price",
             "the staff seemed annoyed that we were there", "everything was drowning in salt",
             "the bathroom was filthy", "the rice was crunchy in the middle"],
        facts=["We went on a Tuesday night.", "The menu is mostly Italian with a few vegetarian options.",
               "They take bookings for groups of six or more.", "It's next to the train station.",
               "We ordered two starters and a main to share.", "The restaurant opened about a year ago.",
               "Lunch is served until three.", "They do takeaway as well as table service.",
               "Parking is on the street.", "It was our first time trying Ethiopian food.",
               "We sat outside on the terrace.", "They only take cash at the weekend."],
        good_np=["a chef who actually seasons the food", "a waiter who knows the menu inside out",
                 "homemade bread on the house", "a table by the window and free refills",
                 "proper portions at fair prices"],
        bad_np=["cold fries and a forty-minute wait", "a waiter who vanishes after taking your order",
                "a twelve-dollar side salad made of three leaves", "a booking system that loses your reservation",
                "soup served at room temperature", "a surprise service charge of twenty percent"],
        quant_good=["our food arrived in ten minutes", "they seated us straight away on a Saturday night",
                    "the whole meal came to twenty dollars for two"],
        quant_bad=["it only took an hour and a half for our mains to arrive",
                   "we only waited fifty minutes for a table we had booked",
                   "the coffee only cost nine dollars a cup"],
        context=["We came here after a terrible day at work.", "My friend, who loves Thai food, picked the place.",
                 "We ate there the night after a horrible flight.", "It was raining miserably when we arrived.",
                 "My brother hates seafood, so he had the pasta."],
        aspects=["food", "service", "staff", "prices", "portions", "atmosphere", "desserts"],
        compar=["the place that used to be here", "their other branch", "last time we came",
                "the curry house down the road"],
        questions=["they take bookings for Sunday lunch", "there's a gluten-free menu",
                   "they're open on bank holidays", "you can bring your own wine"],
    ),
    dict(
        name="hotel", past=True, item="hotel", again="stay there again",
        general=["the hotel", "our stay", "this place"],
        subjects=["the room", "the hotel", "the breakfast buffet", "the suite", "the spa", "our stay",
                  "the pool", "the hostel", "the B&B", "the apartment", "the lodge", "the resort",
                  "the guesthouse", "the airport hotel"],
        pos=["the bed was incredibly comfortable", "the view from the balcony was stunning",
             "reception upgraded us for free", "the room was spotless",
             "the shower had proper water pressure", "breakfast had loads of choice",
             "the staff recommended a brilliant little restaurant nearby", "it was really quiet at night",
             "the pool was heated and never crowded", "housekeeping left little chocolates on the pillow",
             "the location was perfect for the old town", "they let us check out late at no charge",
             "the concierge sorted our taxi in minutes"],
        neg=["the walls were paper thin", "there was hair in the bathroom sink",
             "the air conditioning rattled all night", "the wifi only worked in the lobby",
             "reception lost our booking", "the carpet smelled damp", "the breakfast eggs were rubbery",
             "the shower went cold after two minutes", "we were woken by building work at seven",
             "the pool was closed for the whole week", "the photos online were clearly taken years ago",
             "they charged us for a minibar we never opened", "the bed sagged in the middle"],
        facts=["We stayed three nights in October.", "The hotel has about forty rooms.",
               "Breakfast is served from seven until ten.", "It's a ten-minute walk from the beach.",
               "Our room was on the fourth floor.", "Check-in is at three and check-out at eleven.",
               "We booked through the hotel's own website.", "There's a car park behind the building.",
               "The hotel is in a converted warehouse.", "We were there for a wedding nearby.",
               "The rooms have a kettle and a small fridge."],
        good_np=["a free upgrade and a late checkout", "a bed you sink straight into",
                 "a balcony overlooking the harbour", "staff who remember your name"],
        bad_np=["a 'sea view' of a car park", "a shower that switches between scalding and freezing",
                "a 6am fire alarm test", "paying extra for wifi that doesn't work",
                "mystery stains on the duvet", "a pool that's closed all week"],
        quant_good=["check-in took about two minutes", "they had our room ready at ten in the morning",
                    "the airport shuttle was waiting when we landed"],
        quant_bad=["check-in only took an hour and a quarter", "it only took three calls to get clean towels",
                   "the lift only took ten minutes to arrive each time"],
        context=["Our flight was cancelled, which was awful, so we booked this last minute.",
                 "We were in town for a sad occasion, a family funeral.",
                 "My mum, who loves anything old, chose it for her birthday.",
                 "The weather that week was dreadful."],
        aspects=["room", "location", "breakfast", "staff", "bed", "pool", "value"],
        compar=["the hotel we stayed at last year", "their sister hotel in town", "the chain hotels nearby",
                "the photos on the website"],
        questions=["the pool is open in winter", "they allow dogs", "breakfast is included",
                   "there's parking for vans"],
    ),
    dict(
        name="film", past=True, item="film", again="watch it again",
        general=["this film", "the movie"],
        subjects=["the film", "the movie", "the sequel", "the remake", "this documentary",
                  "the director's cut", "the new superhero movie", "the animated film", "the thriller",
                  "the romcom", "the horror film", "the war drama", "the series", "the musical"],
        pos=["the acting was superb", "the soundtrack gave me chills", "the ending completely floored me",
             "the script was sharp and genuinely funny", "every shot looked like a painting",
             "the lead gave the performance of her career", "the pacing never let up",
             "I laughed the whole way through", "the twist actually made sense",
             "the villain was properly terrifying", "the dialogue felt natural",
             "the kids and adults all loved it"],
        neg=["the plot made no sense", "the dialogue was painfully clunky", "the CGI looked cheap",
             "the ending was rushed", "I checked my phone about ten times",
             "the jokes fell completely flat", "the twist was obvious from the first scene",
             "it dragged terribly in the middle", "the lead seemed bored",
             "the sound mix drowned out half the lines", "the characters were paper thin",
             "the romance felt forced"],
        facts=["The film runs about two hours.", "It's based on a novel from the eighties.",
               "We saw it at the late showing.", "It's in French with English subtitles.",
               "It was shot mostly in Iceland.", "This is the third film in the series.",
               "I watched it on a flight.", "It's rated 15 for violence.",
               "The director also wrote the script.", "It's out on streaming next month."],
        good_np=["a sequel that's better than the original", "two hours of pure joy",
                 "a twist nobody saw coming", "a cast that clearly had fun"],
        bad_np=["another reboot nobody asked for", "two hours of people shouting in the dark",
                "a plot twist you can see from space", "a cliffhanger for a sequel that will never happen",
                "forty minutes of adverts before the film"],
        quant_good=["three hours flew by like ninety minutes", "I've already watched it three times"],
        quant_bad=["it only took an hour for the plot to start", "it only felt about six hours long"],
        context=["It's a thriller about a terrible storm.", "It's a comedy about a disastrous wedding.",
                 "The film follows a man who hates his job.",
                 "It's a documentary about the worst oil spill in history.",
                 "The story is about a family that loses everything."],
        aspects=["acting", "plot", "soundtrack", "visuals", "script", "pacing", "ending"],
        compar=["the original", "the book it's based on", "the first film", "the trailer"],
        questions=["there's a post-credits scene", "it's suitable for a ten-year-old",
                   "it's on any streaming service yet", "you need to see the first one"],
    ),
    dict(
        name="book", past=True, item="book", again="read more by this author",
        general=["this book", "the book"],
        subjects=["the novel", "the book", "this memoir", "the sequel", "the cookbook",
                  "the short story collection", "the audiobook", "the crime novel", "this biography",
                  "the fantasy series", "the self-help book", "the graphic novel", "the poetry collection",
                  "the travel guide"],
        pos=["the characters felt like real people", "I couldn't put it down", "the writing was beautiful",
             "the last chapter had me in tears", "the translation was flawless",
             "the ending tied everything together beautifully", "every chapter ended on a hook",
             "the world-building was incredibly detailed", "it made me laugh out loud on the bus",
             "the research behind it was impressive", "the prose was gorgeous"],
        neg=["the middle section dragged on forever", "the ending felt rushed", "the characters were flat",
             "it was riddled with typos", "the dialogue was stiff", "the translation felt clunky",
             "the big reveal fell completely flat", "the plot went nowhere",
             "I had to force myself to finish it", "the binding fell apart after a week",
             "every character sounded the same", "it was two hundred pages too long"],
        facts=["It's about four hundred pages long.", "The book is set in Lisbon in the 1950s.",
               "It's the second book in a trilogy.", "I read it for my book club.",
               "The chapters alternate between two narrators.", "It was translated from Korean.",
               "I read it on my e-reader.", "The author is a retired doctor.",
               "It came out last spring.", "There's a map at the front."],
        good_np=["a book I'll be pressing on all my friends", "a twist I genuinely didn't see coming",
                 "characters I'll miss now it's over"],
        bad_np=["four hundred pages of a man staring out of a window", "a cliffhanger and no sequel in sight",
                "yet another love triangle", "a cookbook where half the recipes don't work",
                "an ending that just stops mid-scene"],
        quant_good=["I finished it in one sitting", "I read it twice in a week"],
        quant_bad=["it only took me three months to get through the first half",
                   "it only took two hundred pages for anything to happen"],
        context=["The book is about a terrible famine in the 1840s.",
                 "It's a memoir about growing up with a cruel father.",
                 "The novel follows a detective who hates everyone.",
                 "The story centres on a bitter feud between two sisters.",
                 "Bought it for my sister, who loves crime novels."],
        aspects=["writing", "characters", "plot", "ending", "pacing", "cover"],
        compar=["her first novel", "the film version", "the rest of the series", "his last book"],
        questions=["the sequel is out yet", "there's a large print edition", "the audiobook is abridged",
                   "you need to read the first one"],
    ),
    dict(
        name="electronics", past=False, item="phone", again="buy it again",
        general=["this one", "the new one"],
        subjects=["the phone", "this laptop", "the tablet", "the new phone", "this Chromebook", "the budget phone",
                  "the gaming laptop", "the kids' tablet", "the refurbished phone", "the foldable phone",
                  "this 2-in-1 laptop", "the work laptop", "the flagship phone", "the mini tablet"],
        pos=["the screen is gorgeous", "the battery easily lasts two days", "the sound is crisp and clear",
             "it feels really solid in the hand", "the camera is brilliant in low light",
             "the fingerprint reader works every time", "it charges incredibly fast", "it connects instantly every time",
             "it runs everything I throw at it without slowing down", "the colours are really accurate",
             "it's light enough to forget it's in my bag", "setup was painless"],
        neg=["the battery dies by noon", "it overheats when I'm just browsing",
             "the speakers crackle at half volume", "the screen scratched within a week",
             "the bluetooth keeps dropping", "it randomly restarts", "the charging port is already loose",
             "the touchscreen misses half my taps", "it gets sluggish with more than three apps open",
             "the camera is blurry indoors", "it takes ages to boot up",
             "the volume buttons stopped working after a month"],
        facts=["It comes in black, silver and blue.", "The box includes a USB-C cable but no plug.",
               "It's the 128GB model.", "I'm using it mostly for emails and video calls.",
               "It replaced a five-year-old model.", "It weighs about 200 grams.", "The warranty is two years.",
               "I bought it in the January sales.", "It runs the latest version of Android.",
               "It has two USB ports on the left side."],
        good_np=["a battery that actually lasts", "noise cancelling that blocks out my whole commute",
                 "a charger that fills it up in half an hour", "a screen you can read in full sun"],
        bad_np=["a charger that stops working after a week", "headphones that crackle every time you move",
                "a laptop that doubles as a space heater", "a 'smart' watch that loses signal indoors",
                "a phone that restarts mid-call"],
        quant_good=["the battery lasts two full days", "it charges to full in half an hour"],
        quant_bad=["the battery lasts all the way until lunchtime",
                   "it only takes ten minutes to connect to the wifi",
                   "it only lasted three weeks before the screen cracked"],
        context=["Bought it as a gift for my dad, who loves gadgets.",
                 "My old one died a horrible death in the bath.",
                 "I needed it after a terrible experience with my last laptop.",
                 "My nephew, who hates reading, wanted it for games."],
        aspects=["battery", "screen", "sound", "build quality", "camera", "price"],
        compar=["my old one", "the previous model", "the one my brother has", "the cheaper brands"],
        questions=["it works with older chargers", "the case is sold separately",
                   "it supports dual SIM", "the warranty covers water damage"],
    ),
    dict(
        name="app", past=False, item="app", again="keep using it",
        general=["this app", "the app"],
        subjects=["the app", "the new update", "the software", "the banking app", "the fitness app",
                  "the photo editor", "the language app", "the budgeting app", "the new version",
                  "the desktop client", "the meditation app", "the browser extension", "the note-taking app",
                  "the password manager"],
        pos=["the interface is clean and easy to use", "syncing across devices just works",
             "it hasn't crashed once", "the dark mode is lovely", "support replied within an hour",
             "it actually helps me stay organised", "the new version is so much faster",
             "the offline mode is a lifesaver", "it's completely free with no ads",
             "the reminders are really well designed", "it imported everything from my old app"],
        neg=["it crashes whenever I switch screens", "the latest update deleted my settings",
             "there's an ad every thirty seconds", "it drains my battery", "the login keeps failing",
             "half the features are behind a paywall", "it logs me out every day",
             "the sync loses my data", "notifications arrive hours late",
             "the new layout hides everything useful", "it takes forever to load", "support never replied"],
        facts=["It's available on iOS and Android.", "The free version has a limit of three projects.",
               "I've been using it for about six months.", "Version 4.2 came out last week.",
               "It needs an account to use.", "The subscription is billed yearly.",
               "It supports English and Spanish.", "I use it on my phone and laptop.",
               "It's made by a small team in Finland.", "The update was about 300MB."],
        good_np=["an update that actually fixes things", "an app with no ads and no upsells",
                 "a proper dark mode", "a sync that just works"],
        bad_np=["another update that deletes all your settings",
                "a pop-up asking you to rate the app every five minutes",
                "a subscription for features that used to be free",
                "a login screen that forgets your password daily",
                "a redesign that hides every button you use"],
        quant_good=["it opens in under a second", "support fixed my issue in ten minutes"],
        quant_bad=["it only takes a full minute to open", "it only took six emails to get a reply from support",
                   "it only crashed four times today"],
        context=["I downloaded it after a terrible week of missed deadlines.",
                 "My partner, who loves spreadsheets, recommended it.",
                 "I hate filling in forms, so I use it for my expenses.",
                 "Started using it after a horrible month with my finances."],
        aspects=["interface", "design", "features", "support", "performance", "pricing"],
        compar=["the old version", "the app I used before", "the website", "the free alternatives"],
        questions=["there's a family plan", "it works offline", "you can export to PDF",
                   "it's available on Windows"],
    ),
    dict(
        name="clothing", past=False, item="jacket", again="buy another one",
        general=["it", "this one"],
        subjects=["the jacket", "the dress", "the hoodie", "the coat", "the jumper", "the shirt",
                  "the raincoat", "the scarf", "the t-shirt", "the blazer", "the backpack", "the skirt",
                  "the fleece", "the swimsuit"],
        pos=["the fabric is really soft", "it fits perfectly", "the colour is exactly as pictured",
             "it's kept me dry in proper downpours", "it still looks new after dozens of washes",
             "the stitching is really neat", "it's warm without being bulky",
             "the pockets are actually deep enough for a phone", "I get compliments every time I wear it",
             "it's comfortable enough to sleep in"],
        neg=["it shrank two sizes in the first wash", "the zip broke on the second day",
             "the colour ran all over my other clothes", "the fabric is scratchy", "the sizing is way off",
             "the seams are already coming apart", "it pills after one wear", "it's completely see-through",
             "the buttons fell off within a week", "it smells of chemicals even after washing",
             "it looks nothing like the photos"],
        facts=["I ordered a medium.", "It's 80% cotton and 20% polyester.", "It comes in six colours.",
               "I'm 5'8 and usually wear a size 10.", "It's machine washable at 30 degrees.",
               "The model in the photo is wearing a small.", "It has two side pockets and a hood.",
               "I bought it for a wedding.", "It's the navy version.", "The label says dry clean only."],
        good_np=["a coat that's actually waterproof", "a shirt that fits straight out of the bag",
                 "a jumper that survives the washing machine"],
        bad_np=["a 'waterproof' jacket that soaks through in drizzle", "a zip that breaks on day two",
                "a shirt that shrinks to toddler size", "a dress that's see-through in daylight",
                "buttons that fall off if you look at them"],
        quant_good=["it's lasted four winters", "it still looks new after two years"],
        quant_bad=["it only lasted two washes before falling apart",
                   "it only took three wears for a hole to appear"],
        context=["Bought it for my sister, who loves bright colours.",
                 "I hate shopping, so I ordered online.",
                 "I needed something after a horrible accident with red wine.",
                 "My daughter, who hates anything itchy, picked it."],
        aspects=["fit", "fabric", "colour", "quality", "price", "sizing"],
        compar=["the last one I bought from them", "the high street version", "the more expensive brands",
                "what I expected from the photos"],
        questions=["the medium runs small", "it comes in petite sizes", "the colour is more blue or grey",
                   "it can go in the dryer"],
    ),
    dict(
        name="delivery", past=True, item="shop", again="order from them again",
        general=["this shop", "the service", "my order"],
        subjects=["the delivery", "my order", "the parcel", "the online shop", "the courier",
                  "the grocery delivery", "the click and collect service", "the customer service",
                  "the returns process", "the furniture delivery", "the florist", "the corner shop",
                  "the pharmacy", "the bakery"],
        pos=["everything arrived well packed and undamaged", "the driver carried it all the way upstairs",
             "customer service sorted my refund the same day", "they sent a handwritten thank-you note",
             "tracking was accurate to the minute", "the return label was already in the box",
             "they swapped the wrong size without any fuss", "the item was even nicer than in the photos",
             "the staff in store were really helpful", "it came a day earlier than promised"],
        neg=["the box arrived crushed", "they delivered to the wrong house", "half the items were missing",
             "the courier left it in the rain", "customer service hung up on me", "the refund took six weeks",
             "they sent the wrong colour", "the tracking said delivered when it wasn't",
             "the item inside was broken", "nobody answered the phone",
             "the driver threw the parcel over the fence"],
        facts=["It arrived on Tuesday in a brown box.", "I ordered it on Sunday evening.",
               "Delivery was free over thirty dollars.", "It came with a tracking number.",
               "The parcel was left with a neighbour.", "They deliver between eight and six.",
               "I picked it up from the locker at the station.", "It was sent by standard post.",
               "The order came in two separate boxes.", "I paid by card on the website."],
        good_np=["next-day delivery that actually arrives the next day", "a courier who rings the bell and waits",
                 "a refund processed before the item even got back"],
        bad_np=["another 'sorry we missed you' card when you were home all day",
                "a parcel that's been 'out for delivery' for a week", "a crushed box and a broken vase",
                "a refund that takes two months", "a delivery window of 7am to 9pm"],
        quant_good=["it arrived the very next morning", "my refund landed in two days"],
        quant_bad=["it only took three weeks to arrive", "the refund only took two months",
                   "it only took five phone calls to find my parcel"],
        context=["I ordered a birthday present for my mum, who loves candles.",
                 "It was for a friend who's had a terrible year.",
                 "I was ill with a horrible cold, so I ordered my shopping online.",
                 "I hate queues, so I always order online."],
        aspects=["packaging", "delivery", "customer service", "tracking", "prices"],
        compar=["the other shops around here", "last time I ordered", "the place I used before",
                "the big online shops"],
        questions=["they deliver on Saturdays", "you can change the delivery address",
                   "returns are free", "they ship abroad"],
    ),
    dict(
        name="game", past=False, item="game", again="keep playing",
        general=["this game", "the game"],
        subjects=["the game", "this RPG", "the expansion", "the remaster", "the multiplayer mode",
                  "the new season", "the puzzle game", "the board game", "the racing game",
                  "the indie platformer", "the open-world game", "the strategy game", "this shooter",
                  "the card game"],
        pos=["the controls feel tight and responsive", "the soundtrack is incredible",
             "the world is huge and full of secrets", "the story had me hooked for weeks",
             "the puzzles are clever without being unfair", "it runs smoothly even on my old laptop",
             "the co-op is so much fun with friends", "every boss fight feels different",
             "the art style is gorgeous", "there are no microtransactions at all"],
        neg=["it crashes every ten minutes", "the servers are down half the time",
             "the frame rate tanks in every big fight", "the story is forgettable",
             "the loading screens take forever", "everything good is locked behind paid loot boxes",
             "the controls feel sluggish", "matchmaking puts me with people way above my level",
             "the tutorial explains nothing", "there are bugs everywhere", "the ending is a huge letdown"],
        facts=["I played it on the Switch.", "It took me about forty hours to finish.",
               "It supports up to four players.", "The expansion adds two new regions.",
               "It's a sequel to a game from 2015.", "I'm playing on normal difficulty.",
               "There's a free demo on the store.", "It needs an internet connection to start.",
               "The rules take about ten minutes to learn.", "It came out last Friday."],
        good_np=["a game with no microtransactions", "a remaster that actually fixes the old bugs",
                 "a co-op mode that works first time"],
        bad_np=["another day-one patch bigger than the game", "a seventy-dollar game with loot boxes",
                "an unskippable ten-minute tutorial", "a save file that corrupts itself",
                "servers that go down every weekend"],
        quant_good=["I've sunk eighty hours in and still want more", "it loads in about three seconds"],
        quant_bad=["it only crashed six times in my first hour", "the matchmaking only takes fifteen minutes"],
        context=["It's a survival game about a terrible plague.", "You play as a villain who hates everyone.",
                 "The game is set after a horrible war.", "Bought it for my nephew, who loves anything with dragons.",
                 "It's a horror game set on a miserable haunted farm."],
        aspects=["graphics", "story", "controls", "soundtrack", "multiplayer", "price"],
        compar=["the first game", "the original release", "last year's version", "the early access build"],
        questions=["it has split-screen", "the Switch version runs well", "you can play it offline",
                   "the expansion needs the base game"],
    ),
]


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------

def cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def be(d) -> str:
    return "was" if d["past"] else "is"


def it_is(d) -> str:
    return "It was" if d["past"] else "It's"


def be_not(d) -> str:
    return "wasn't" if d["past"] else "isn't"


def does(d) -> str:
    return "did" if d["past"] else "does"


def does_not(d) -> str:
    return "didn't" if d["past"] else "doesn't"


def pick(rng: random.Random, bank: list[str]) -> tuple[int, str]:
    i = rng.randrange(len(bank))
    return i, bank[i]


# Pairs of a positive and a negative clause that contradict each other (same aspect, opposite
# claims) and so must not be joined in one review. Clauses sharing a content word are also kept
# apart (see `clash`), which catches "the controls feel tight" / "the controls feel sluggish".
CLASH = [
    ("service was quick", "waited forty"), ("service was quick", "annoyed"), ("service was quick", "waiter forgot"),
    ("made to feel really welcome", "annoyed"), ("spice level", "drowning in salt"),
    ("quiet at night", "rattled"), ("quiet at night", "woken"), ("spotless", "hair in"), ("spotless", "damp"),
    ("pacing never", "dragged"), ("laughed the whole", "jokes fell"), ("acting was superb", "seemed bored"),
    ("painting", "CGI"), ("script was sharp", "clunky"), ("script was sharp", "no sense"),
    ("couldn't put it down", "force myself"), ("couldn't put it down", "dragged"),
    ("couldn't put it down", "too long"), ("couldn't put it down", "went nowhere"),
    ("ended on a hook", "dragged"), ("ended on a hook", "went nowhere"),
    ("connects instantly", "bluetooth"), ("sound is crisp", "crackle"),
    ("hasn't crashed", "crash"), ("no ads", "ad every"), ("no ads", "paywall"), ("version is so much faster", "forever"),
    ("interface is clean", "layout hides"), ("syncing", "sync loses"),
    ("fits perfectly", "sizing"), ("fits perfectly", "shrank"), ("exactly as pictured", "nothing like the photos"),
    ("looks new", "shrank"), ("looks new", "pills"), ("looks new", "seams"), ("looks new", "colour ran"),
    ("looks new", "buttons fell"), ("stitching", "seams"), ("comfortable enough", "scratchy"),
    ("everything arrived", "missing"), ("everything arrived", "crushed"), ("customer service sorted", "nobody answered"),
    ("driver carried", "left it in the rain"), ("driver carried", "wrong house"), ("driver carried", "over the fence"),
    ("day earlier", "wrong house"), ("runs smoothly", "frame rate"), ("runs smoothly", "crashes"),
    ("no microtransactions", "loot boxes"), ("bed was incredibly", "bed sagged"), ("undamaged", "inside was broken"), ("without slowing down", "sluggish"),
    ("without slowing down", "takes ages"),
    ("day earlier", "said delivered"),
]
STOP = {"the", "and", "was", "were", "is", "are", "it", "it's", "with", "that", "this", "for", "from", "after",
        "every", "even", "when", "just", "really", "all", "our", "my", "its", "out", "in", "on", "of", "a",
        "to", "by", "so", "i", "we", "they", "there", "about", "half", "two", "too", "than", "already"}


def stems(c: str) -> set[str]:
    words = re.findall(r"[a-z']+", c.lower())
    return {w[:4] for w in words if w not in STOP and len(w) >= 4}


def clash(a: str, b: str) -> bool:
    if stems(a) & stems(b):
        return True
    return any((x in a and y in b) or (x in b and y in a) for x, y in CLASH)


def clause(rng, d, label):
    """An aspect clause of the given polarity (index, text)."""
    return pick(rng, d["pos"] if label == POS else d["neg"])


def tail(rng, d, label, p=0.3):
    """An optional short verdict after the review proper."""
    if rng.random() > p:
        return ""
    again = d["again"]
    tails = {
        POS: [f" Would definitely {again}.", " Highly recommend.", " Five stars.", " Really happy.",
              f" Can't wait to {again}.", " Great experience overall.", " Just amazing.", " Great value too."],
        NEG: [f" Won't {again}.", " Avoid.", " One star.", " Really disappointed.", " Never again.",
              " Bad experience overall.", " Terrible value.", " Just bad."],
        NEU: [" That's about it.", " Make of that what you will.", " Nothing more to add."],
    }[label]
    return rng.choice(tails)


# ---------------------------------------------------------------------------------------------
# Frames: one function per phenomenon. Each returns (text, label, phenomenon, key), where key
# names the composition (which bank entries were combined), used to hold compositions out of train.
# Each frame draws a label first and builds a text for it, so that (where the phenomenon allows it)
# the same sentence shape carries all three labels.
# ---------------------------------------------------------------------------------------------

def frame_plain(rng, d):
    # Plain evaluation of one or two aspects, or plain facts (neutral). The "easy" rows.
    label = rng.choice(LABELS)
    openers = ["", "", "", "Honestly, ", "Have to say, ", "Tbh ", "Overall "]
    opener = rng.choice(openers)
    if label == NEU:
        i, f1 = pick(rng, d["facts"])
        j, f2 = pick(rng, d["facts"])
        if i == j or rng.random() < 0.4:
            return f1, NEU, "plain factual", ("plain", d["name"], i)
        return f"{f1} {f2}", NEU, "plain factual", ("plain", d["name"], i, j)
    i, c1 = clause(rng, d, label)
    if rng.random() < 0.45:
        j, c2 = clause(rng, d, label)
        if j != i and not clash(c1, c2):
            joiner = rng.choice([" and ", ", and ", ", plus ", ". Also, "])
            return (cap(opener + c1) + joiner + c2 + "." + tail(rng, d, label), label, "plain",
                    ("plain2", d["name"], min(i, j), max(i, j), label))
    return cap(opener + c1) + "." + tail(rng, d, label), label, "plain", ("plain", d["name"], i, label)


POS_STRONG_MODS = ["absolutely", "truly", "genuinely", "just", "really", "honestly"]
POS_STRONG_ADJS = ["brilliant", "fantastic", "wonderful", "amazing", "superb", "excellent", "great", "lovely"]
POS_MILD = ["pretty good", "really good", "quite good", "very nice", "very solid"]
NEG_STRONG_MODS = ["absolutely", "truly", "really", "just", "honestly"]
NEG_STRONG_ADJS = ["awful", "terrible", "dreadful", "rubbish", "useless"]
NEG_HEDGES = ["kind of", "a bit", "somewhat", "rather", "slightly", "pretty"]
NEG_HEDGED_ADJS = ["disappointing", "underwhelming", "mediocre", "overpriced"]
NEU_ADJ_PHRASES = ["just okay", "fine", "alright", "average", "pretty average", "fairly standard",
                   "okay, I suppose", "so-so", "middle of the road", "nothing special", "kind of average"]


def frame_intensity(rng, d):
    # Intensifiers and hedges on an overall judgement: "absolutely brilliant", "kind of
    # disappointing" (still negative), "pretty average" (neutral). "pretty" occurs in all labels.
    label = rng.choice(LABELS)
    _, subj = pick(rng, d["subjects"])
    if label == POS:
        if rng.random() < 0.6:
            phrase = f"{rng.choice(POS_STRONG_MODS)} {rng.choice(POS_STRONG_ADJS)}"
        else:
            phrase = rng.choice(POS_MILD)
    elif label == NEG:
        if rng.random() < 0.1:
            phrase = rng.choice(["really bad", "just bad", "pretty bad"])
        elif rng.random() < 0.5:
            phrase = f"{rng.choice(NEG_STRONG_MODS)} {rng.choice(NEG_STRONG_ADJS)}"
        else:
            phrase = f"{rng.choice(NEG_HEDGES)} {rng.choice(NEG_HEDGED_ADJS)}"
    else:
        phrase = rng.choice(NEU_ADJ_PHRASES)
    shape = rng.randrange(3)
    if shape == 1 and phrase.startswith("honestly"):
        shape = 0
    if shape == 0:
        text = f"{cap(subj)} {be(d)} {phrase}."
    elif shape == 1:
        text = f"Honestly, {subj} {be(d)} {phrase}."
    else:
        text = f"{cap(subj)}: {phrase}." if rng.random() < 0.5 else f"{cap(subj)}? {cap(phrase)}."
    return text + tail(rng, d, label), label, "intensifier/hedge", ("int", d["name"], subj, phrase, shape)


FEEL_POS = ["absolutely loved", "was really impressed by", "was thrilled with", "was so pleased with",
            "was pleasantly surprised by", "really loved"]
FEEL_NEG = ["absolutely hated", "was really let down by", "was so annoyed with", "regret paying for",
            "was kind of disappointed with", "was a bit let down by", "was slightly underwhelmed by"]
FEEL_NEU = ["had no strong feelings about", "neither loved nor hated", "was neither impressed nor disappointed by",
            "don't feel strongly either way about"]


def frame_feeling(rng, d):
    # The reviewer's feeling as a verb phrase, strong or hedged ("kind of disappointed" = negative).
    label = rng.choice(LABELS)
    _, subj = pick(rng, d["subjects"])
    vp = rng.choice({POS: FEEL_POS, NEG: FEEL_NEG, NEU: FEEL_NEU}[label])
    opener = rng.choice(["I ", "I ", "Honestly, I ", "Have to say I ", "My partner and I both "])
    if label == NEU and opener.startswith("My partner"):
        opener = "I "
    if opener.startswith("My partner") and vp.startswith("was"):
        opener, vp = "My partner and I ", "were both" + vp[3:]
    text = f"{opener}{vp} {subj}."
    return text + tail(rng, d, label), label, "intensifier/hedge", ("feel", d["name"], subj, vp)


def frame_negation(rng, d):
    # Negation: "not bad at all" (positive), "not great" (negative), "wouldn't say it was terrible,
    # but ... not good either" / "not great, not terrible" (neutral).
    label = rng.choice(LABELS)
    _, subj = pick(rng, d["subjects"])
    S, b, bn = cap(subj), be(d), be_not(d)
    templates = {
        POS: [f"{S} {bn} bad at all, actually.", f"Honestly? {S} {bn} bad at all.",
              f"Can't complain about {subj}.", f"No complaints about {subj} whatsoever.",
              f"{S} {does_not(d)} disappoint.", f"I was not disappointed in the slightest by {subj}.",
              f"Couldn't be happier with {subj}.", f"Honestly can't fault {subj}.",
              f"Not bad at all. {S} {b} better than I hoped.",
              f"I wouldn't say {subj} {b} bad. {it_is(d)} great, actually."],
        NEG: [f"{S} {b} not great.", f"{S} {bn} great, to be honest.", f"{S} {b} not good at all.",
              f"Not impressed with {subj}.", f"Can't say I enjoyed {subj}.",
              f"{S} {bn} worth the money.", f"{S} {does_not(d)} live up to the hype.",
              f"Not a fan of {subj}.", f"{S} {bn} exactly great, {'was' if d['past'] else 'is'} it?", f"Definitely not worth it.",
              f"{S} {bn} good at all, actually.", f"I wouldn't say {subj} {b} good. {it_is(d)} pretty bad, actually."],
        NEU: [f"I wouldn't say {subj} {b} terrible, but it {bn} good either.",
              f"{S}: not great, not terrible.", f"{S} {b} not bad, not great.",
              f"{S} {bn} the best, but not the worst either.",
              f"{S} {bn} amazing, but it {bn} awful either.",
              f"I wouldn't call {subj} bad. I wouldn't call it good either.",
              f"Not good, not bad. {S} {b} just... there.",
              f"{S} {bn} particularly good or bad, actually."],
    }[label]
    t = rng.randrange(len(templates))
    return templates[t], label, "negation", ("neg", d["name"], label, t, subj)


def frame_double_negation(rng, d):
    # Double negation: "I can't think of anything I didn't like" (positive) vs "... anything I
    # didn't hate" (negative); "It's not that it wasn't good, it just wasn't special" (neutral).
    label = rng.choice(LABELS)
    _, subj = pick(rng, d["subjects"])
    S, b, bn = cap(subj), be(d), be_not(d)
    templates = {
        POS: [f"I can't think of a single thing I didn't like about {subj}.",
              f"There wasn't one thing about {subj} I didn't enjoy.",
              f"I'd be lying if I said I didn't love {subj}.",
              f"Can't say I didn't enjoy {subj}, because I really did.",
              f"It's not that {subj} {bn} good. {it_is(d)} fantastic.",
              f"Nobody I know has been unhappy with {subj}, me included."],
        NEG: [f"I can't think of a single thing I didn't hate about {subj}.",
              f"It's not that I didn't want to like {subj}. I just couldn't.",
              f"I'd be lying if I said {subj} didn't disappoint me.",
              f"There wasn't one thing about {subj} that didn't annoy me.",
              f"Can't say I didn't hate {subj}, because I really did.",
              f"Nobody I know has been happy with {subj}, me included."],
        NEU: [f"It's not that {subj} {bn} good, it just {bn} anything special.",
              f"I didn't dislike {subj}, but I didn't like it either.",
              f"I can't say I didn't enjoy {subj}, but I can't say I did, either.",
              f"{S} {bn} not good, exactly. Just okay.",
              f"Not that {subj} {b} bad. Not that it {b} good. It just {b}."],
    }[label]
    t = rng.randrange(len(templates))
    return templates[t], label, "double negation", ("dneg", d["name"], label, t, subj)


def frame_contrast(rng, d):
    # Mixed feelings with a contrast. Rule: the clause that is not conceded decides
    # ("A but B" -> B; "Although A, B" -> B; "A, though B" -> A). If the reviewer says that the
    # two balance out, or lists pros and cons without a verdict, the row is neutral.
    first = rng.choice([POS, NEG])
    second = NEG if first == POS else POS
    i, a = clause(rng, d, first)
    j, bcl = clause(rng, d, second)
    while clash(a, bcl):  # every clause has several compatible partners, so this ends quickly
        j, bcl = clause(rng, d, second)
    # The pair is held out as a whole, whatever the form and the order of its clauses.
    key = ("contrast", d["name"]) + tuple(sorted([(first, i), (second, j)]))
    if rng.random() < 0.3:  # explicitly balanced -> neutral
        forms = [f"{cap(a)}, but {bcl}, so it evens out.",
                 f"{cap(a)} and {bcl}. Mixed feelings.",
                 f"Pros: {a}. Cons: {bcl}.",
                 f"{cap(a)}. On the other hand, {bcl}. Swings and roundabouts.",
                 f"Good and bad: {a}, but {bcl}. Can't decide how I feel."]
        if first == NEG:
            forms[2] = f"Pros: {bcl}. Cons: {a}."
        text = rng.choice(forms)
        if rng.random() < 0.35:  # ... unless a final verdict follows, which then decides
            verdict = rng.choice(LABELS)
            text = f"{cap(a)}, but {bcl}. " + {
                POS: rng.choice([f"Mixed feelings, but I'd still {d['again']}.",
                                 "Mixed feelings, but overall I'm glad I went for it."]),
                NEG: rng.choice([f"Mixed feelings, but I won't {d['again']}.",
                                 "Mixed feelings, but overall I regret it."]),
                NEU: rng.choice(["Mixed feelings, honestly.", "Mixed feelings overall."]),
            }[verdict]
            return text, verdict, "mixed (verdict)" if verdict != NEU else "mixed (balanced)", key
        return text, NEU, "mixed (balanced)", key
    forms = [  # (template, which clause decides)
        (f"{cap(a)} but {bcl}.", 2),
        (f"{cap(a)}, but {bcl}.", 2),
        (f"Although {a}, {bcl}.", 2),
        (f"Even though {a}, {bcl}.", 2),
        (f"{cap(a)}. However, {bcl}.", 2),
        (f"{cap(a)}. Still, {bcl}.", 2),
        (f"{cap(a)}, though {bcl}.", 1),
        (f"{cap(a)}, even if {bcl}.", 1),
        (f"Yes, {a}. But {bcl}.", 2),
    ]
    if "even" in a or "even" in bcl:  # avoid "Even though ..., even if ..." pile-ups
        forms = [f for f in forms if "ven " not in f[0].replace(a, "").replace(bcl, "")]
    text, who = rng.choice(forms)
    label = second if who == 2 else first
    text += tail(rng, d, label, p=0.3)
    return text, label, "mixed (contrast)", key


SARC_TAGS = ["Amazing.", "Brilliant.", "Just perfect.", "Love it.", "Ten out of ten.", "Great job.",
             "Fantastic.", "Wonderful."]


def frame_sarcasm(rng, d):
    # Sarcasm: praise words around a bad event are negative; the same shapes around a good event
    # are sincere and positive ("Wow, only took three weeks to arrive. Amazing." vs "Wow, it
    # arrived the very next morning. Amazing.").
    label = NEG if rng.random() < 0.7 else POS
    tag = rng.choice(SARC_TAGS)
    form = rng.randrange(7)
    if form == 0:
        i, np_ = pick(rng, d["bad_np"] if label == NEG else d["good_np"])
        text = f"{rng.choice(['Oh great', 'Oh, great', 'Great', 'Oh wonderful'])}, {np_}." + (
            f" {tag}" if rng.random() < 0.3 else "")
        if label == POS:
            text = text[:-1] + "!" if text.endswith(".") else text
    elif form == 1:
        i, np_ = pick(rng, d["bad_np"] if label == NEG else d["good_np"])
        text = f"Just what I wanted: {np_}."
    elif form == 2:
        i, np_ = pick(rng, d["bad_np"] if label == NEG else d["good_np"])
        text = f"Five stars for {np_}{', truly' if rng.random() < 0.5 else ''}."
    elif form == 3:
        i, q = pick(rng, d["quant_bad"] if label == NEG else d["quant_good"])
        text = f"Wow, {q}. {tag}"
    elif form == 4:
        i, c = clause(rng, d, label)
        text = f"{rng.choice(['Love how', 'I love how', 'Gotta love how'])} {c}. {tag}"
    elif form == 5:
        i, c = clause(rng, d, label)
        text = f"{cap(c)}. {tag} {rng.choice(['Just brilliant.', 'Well done.', 'Really great.'])}"
    else:
        label = NEG  # only makes sense ironically
        i, np_ = pick(rng, d["bad_np"])
        text = rng.choice([f"Nothing says quality like {np_}.", f"Thanks for {np_}, really appreciate it.",
                           f"Highly recommend, if you're a fan of {np_}."])
    return text, label, "sarcasm" if label == NEG else "sincere praise (sarcasm shape)", (
        "sarc", d["name"], form, label, i)


def frame_faint(rng, d):
    # Faint praise is neutral ("It was fine, I guess."); the same shapes tip positive or negative
    # when the reviewer adds a real verdict ("does the job and then some", "doesn't even do the job").
    label = rng.choice([NEU, NEU, NEU, POS, NEG])
    _, subj = pick(rng, d["subjects"])
    S, b, bn = cap(subj), be(d), be_not(d)
    if label == NEU:
        templates = [f"{it_is(d)} fine, I guess.", f"{S} {does(d)} the job, nothing more.",
                     f"{S} {b} okay. Nothing to write home about.", f"{S} {b} perfectly adequate.",
                     f"{S} {b} fine. Just fine.", f"Decent enough, I suppose. {S} {b} what it {b}.",
                     f"{S} {b} alright for the price, nothing more.", f"Can't say much about {subj} either way.",
                     f"{S}? {it_is(d)} okay, I suppose.", f"It {does(d)} what it says. That's about it.",
                     f"{S} {b} fine for what it {b}.", f"Not much to say about {subj}, really. {it_is(d)} fine.",
                     f"{S} {b} serviceable, I guess.", f"{it_is(d)} fine. Wouldn't go out of my way for it."]
    elif label == POS:
        templates = [f"{S} {does(d)} the job and then some. Really impressed.",
                     f"{S} {b} more than fine, it {b} genuinely brilliant.",
                     f"I'd call {subj} more than adequate. Honestly, I loved it.",
                     f"{S} {does(d)} the job perfectly, couldn't ask for more."]
        if rng.random() < 0.6:
            i, c = clause(rng, d, POS)
            g = rng.choice(d["general"])  # a subject that fits any clause of the domain
            templates = [f"At first I thought {g} was just okay, but {c}.",
                         f"Thought it would be fine at best, but {c}.", f"{it_is(d)} fine, I guess, but {c}."]
    else:
        templates = [f"{S} {does_not(d)} even do the job.", f"Calling {subj} adequate would be generous.",
                     f"{S} {b} fine, if you don't mind wasting money."]
        if rng.random() < 0.6:
            i, c = clause(rng, d, NEG)
            g = rng.choice(d["general"])
            templates = [f"{it_is(d)} fine, I guess, but {c}.", f"{cap(g)} seemed okay at first, but {c}.",
                         f"At first I thought {g} was okay, but {c}."]
    t = rng.randrange(len(templates))
    text = templates[t]
    return text, label, "faint praise" if label == NEU else "faint-praise shape + verdict", (
        "faint", d["name"], label, text.replace(subj, "<s>"), subj)


def frame_expectation(rng, d):
    # Expectations vs outcome: the outcome decides, whatever the expectation was
    # ("Heard it was terrible. Honestly it was just average." is neutral).
    label = rng.choice(LABELS)
    _, subj = pick(rng, d["subjects"])
    S, b, bn = cap(subj), be(d), be_not(d)
    if label == POS:
        i, c = clause(rng, d, POS)
        g = rng.choice(d["general"])  # a subject that fits any clause of the domain
        templates = [f"I didn't expect much from {g}, but {c}.",
                     f"Expected {subj} to be awful. It turned out to be brilliant.",
                     f"Everyone said {subj} {b} amazing, and they were right.",
                     f"Had low expectations for {subj} and ended up really impressed.",
                     f"Thought {g} would be a letdown. Wrong! {cap(c)}."]
    elif label == NEG:
        i, c = clause(rng, d, NEG)
        g = rng.choice(d["general"])
        templates = [f"Everyone said {subj} {b} amazing. It {bn}.",
                     f"Expected {subj} to be great. It turned out to be a letdown.",
                     f"The reviews said {subj} {b} amazing. They lied.",
                     f"I had high hopes for {g}, but {c}.",
                     f"Had high expectations for {subj} and ended up really disappointed.",
                     f"Expected {subj} to be great. {it_is(d)} just bad."]
    else:
        i = 0
        templates = [f"Expected {subj} to be amazing; it turned out to be just okay.",
                     f"Everyone said {subj} {b} amazing. {it_is(d)} fine. Just fine.",
                     f"Heard {subj} {b} terrible. Honestly, it {b} just average.",
                     f"The reviews said {subj} {b} great. It's... fine.",
                     f"Had high hopes for {subj}; it turned out to be perfectly ordinary.",
                     f"Expected {subj} to be a disaster. {it_is(d)} okay, nothing more."]
    t = rng.randrange(len(templates))
    text = templates[t]
    return text, label, "expectation vs outcome", ("exp", d["name"], label, t, i, subj if subj in text else "")


def frame_rhetorical(rng, d):
    # Rhetorical questions and question/answer shapes; real questions are neutral.
    label = rng.choice(LABELS)
    _, subj = pick(rng, d["subjects"])
    i = 0
    if label == POS:
        i, c = clause(rng, d, POS)
        templates = [f"{cap(c)}. What's not to love?", f"Is {subj} worth the money? Every penny.", f"Is {subj} perfect? No. Do I love it? Absolutely.",
                     f"Why didn't I try {subj} sooner?", f"Could {subj} be any better? Honestly, I doubt it.",
                     f"{cap(c)}. What more could you want?"]
    elif label == NEG:
        i, c = clause(rng, d, NEG)
        templates = [f"{cap(c)}. Who thought that was okay?", f"Is {subj} worth the money? Not even close.",
                     f"Does anyone actually check these things? {cap(c)}.",
                     f"Could {subj} be any worse? Honestly, I doubt it.", f"{cap(c)}. What more could go wrong?"]
    else:
        i, q = pick(rng, d["questions"])
        templates = [f"Is {subj} the best around? No. Is it the worst? Also no.", f"Does anyone know if {q}?",
                     f"Is {subj} worth it? Depends what you need.",
                     f"Could {subj} be better? Sure. Could it be worse? Also sure.", f"Quick question: does anyone know if {q}?"]
    t = rng.randrange(len(templates))
    return templates[t], label, "rhetorical question", ("rq", d["name"], label, t, i, subj)


def frame_context(rng, d):
    # A neutral fact or a sentence whose sentiment words are about something else (the plot, the
    # reviewer's day, a relative's taste), alone (neutral) or followed by a real verdict.
    label = rng.choice(LABELS)
    use_ctx = rng.random() < 0.6
    i, first = pick(rng, d["context"] if use_ctx else d["facts"])
    phen = "sentiment words about something else" if use_ctx else "fact + verdict"
    if label == NEU:
        if use_ctx:
            return first, NEU, phen, ("ctx", d["name"], i)
        j, second = pick(rng, d["facts"])
        if j == i:
            return first, NEU, "plain factual", ("ctx1", d["name"], i)
        return f"{first} {second}", NEU, "plain factual", ("ctx2", d["name"], i, j)
    j, c = clause(rng, d, label)
    text = f"{first} {cap(c)}."
    if use_ctx and "," not in first and rng.random() < 0.3:
        text = f"{first[:-1]}, and {c}."
    return text + tail(rng, d, label, p=0.15), label, phen, ("ctxv", d["name"], use_ctx, i, j, label)


COMP = {
    POS: ["much better than", "miles ahead of", "a big step up from", "so much better than", "way better than"],
    NEG: ["much worse than", "a big step down from", "nowhere near as good as", "somehow worse than",
          "not a patch on"],
    NEU: ["about the same as", "pretty much identical to", "basically the same as", "no different from",
          "on a par with"],
}


def frame_comparison(rng, d):
    # Comparatives: "nowhere near as good as" is negative although it contains "good".
    label = rng.choice(LABELS)
    _, subj = pick(rng, d["subjects"])
    phrase = rng.choice(COMP[label])
    _, other = pick(rng, d["compar"])
    text = rng.choice([f"{cap(subj)} {be(d)} {phrase} {other}.", f"Honestly, {subj} {be(d)} {phrase} {other}.",
                       f"{cap(phrase)} {other}, if I'm honest."])
    return text, label, "comparison", ("cmp", d["name"], subj, phrase, other)


LIST_ADJ = {
    POS: ["great", "excellent", "fantastic", "brilliant", "superb", "amazing"],
    NEG: ["awful", "terrible", "poor", "dreadful", "rubbish", "bad"],
    NEU: ["average", "standard", "ordinary", "okay", "normal", "decent enough"],
}


def frame_list(rng, d):
    # Terse lists of aspect judgements, all of one polarity ("Great food, lovely staff, fair prices").
    label = rng.choice(LABELS)
    nouns = rng.sample(d["aspects"], rng.choice([2, 3]))
    parts = [f"{rng.choice(LIST_ADJ[label])} {n}" for n in nouns]
    text = cap(", ".join(parts)) + "."
    if label == NEU and rng.random() < 0.5:
        return text + " Nothing to report.", label, "plain", ("list", d["name"], tuple(sorted(parts)))
    return text + tail(rng, d, label, p=0.4), label, "plain", ("list", d["name"], tuple(sorted(parts)))


def frame_recommend(rng, d):
    # Recommendation and intent to return; a hedged "maybe" is neutral.
    label = rng.choice(LABELS)
    _, subj = pick(rng, d["subjects"])
    again = d["again"]
    templates = {
        POS: [f"Would definitely recommend {subj}.", f"I'd recommend {subj} to anyone.",
              f"Would happily {again}.", f"Already telling all my friends about {subj}.",
              f"If you're on the fence about {subj}, just go for it."],
        NEG: [f"I would not recommend {subj}.", f"Wouldn't recommend {subj} to my worst enemy.",
              f"Won't {again}. Save your money.", f"Telling all my friends to stay away from {subj}.",
              f"If you're on the fence about {subj}, don't bother."],
        NEU: [f"Would I recommend {subj}? Maybe, depending on what you're after.",
              f"Might {again}, might not.", f"Not sure I'd recommend {subj}, not sure I wouldn't.",
              f"If you're on the fence about {subj}, read a few more reviews first."],
    }[label]
    t = rng.randrange(len(templates))
    return templates[t], label, "recommendation", ("rec", d["name"], label, t, subj)


FRAMES = [  # (function, weight)
    (frame_plain, 8), (frame_intensity, 6), (frame_feeling, 4), (frame_negation, 11),
    (frame_double_negation, 6), (frame_contrast, 16), (frame_sarcasm, 12), (frame_faint, 9),
    (frame_expectation, 7), (frame_rhetorical, 5), (frame_context, 8), (frame_comparison, 3),
    (frame_list, 2), (frame_recommend, 4),
]


# ---------------------------------------------------------------------------------------------
# Casual noise: occasional lower case, missing full stops, exclamation marks and mild typos.
# It never changes the label.
# ---------------------------------------------------------------------------------------------

TYPOS = {"really": "realy", "definitely": "definately", "disappointed": "dissapointed",
         "disappointing": "dissapointing", "absolutely": "absolutly", "recommend": "reccomend",
         "separate": "seperate", "until": "untill", "because": "becuase", "restaurant": "restaraunt",
         "literally": "literaly", "weird": "wierd", "it's": "its",
         "couldn't": "couldnt", "didn't": "didnt", "wasn't": "wasnt", "doesn't": "doesnt"}


def add_noise(rng, text, label):
    if rng.random() < 0.14:
        words = text.split(" ")
        for k, w in enumerate(words):
            core = w.strip(".,!?;:").lower()
            if core in TYPOS and rng.random() < 0.7:
                typo = TYPOS[core]
                if w[:1].isupper():
                    typo = cap(typo)
                words[k] = w.replace(w.strip(".,!?;:"), typo)
        text = " ".join(words)
    r = rng.random()
    if text.endswith(".") and not text.endswith("..") and r < (0.12 if label != NEU else 0.04):
        text = text[:-1] + ("!!" if label != NEU and rng.random() < 0.25 else "!")
    elif text.endswith(".") and not text.endswith("..") and r > 0.9:
        text = text[:-1]
    if rng.random() < 0.07:
        text = text.lower()
    return text


def norm(text: str) -> str:
    """Duplicate key: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def bucket(key) -> str:
    return "test" if zlib.crc32(repr(key).encode()) % 100 < TEST_BUCKET_PERCENT else "main"


def generate(seed: int = SEED):
    rng = random.Random(seed)
    funcs = [f for f, _ in FRAMES]
    weights = [w for _, w in FRAMES]
    need = {
        "test": dict(QUOTAS["test"]),
        "main": {lab: sum(QUOTAS[s][lab] for s in ("train", "validation", "transfer")) for lab in LABELS},
    }
    got = {"test": [], "main": []}
    total = {b: dict(q) for b, q in need.items()}

    def progress(b, label):
        return 1 - need[b][label] / total[b][label]

    seen = set()
    for _ in range(500_000):
        if all(v == 0 for b in need.values() for v in b.values()):
            break
        d = rng.choice(DOMAINS)
        frame = rng.choices(funcs, weights)[0]
        text, label, phen, key = frame(rng, d)
        k = norm(text)
        if k in seen:
            continue
        b = bucket(key)
        if need[b][label] == 0:
            continue
        # Keep the test bucket filling at the pace of the main one, so that both are drawn from the
        # same part of the stream (late in the stream, low-variety frames run out of new texts).
        if b == "test" and progress("test", label) > progress("main", label):
            continue
        seen.add(k)
        need[b][label] -= 1
        got[b].append(dict(text=add_noise(rng, text, label), label=label, phenomenon=phen, domain=d["name"]))
    else:
        raise RuntimeError(f"could not fill the quotas: {need}")

    # Split the main pool into train / validation / transfer by label quota.
    rng.shuffle(got["main"])
    splits = {"train": [], "validation": [], "transfer": []}
    left = {s: dict(QUOTAS[s]) for s in splits}
    for row in got["main"]:
        for s in ("train", "validation", "transfer"):
            if left[s][row["label"]] > 0:
                left[s][row["label"]] -= 1
                splits[s].append(row)
                break
    test = got["test"]
    rng.shuffle(test)
    splits["test"] = test
    return splits


def write(splits):
    for name in ("train", "validation", "test"):
        with open(HERE / f"{name}.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["text", "label"])
            for r in splits[name]:
                w.writerow([r["text"], r["label"]])
    with open(HERE / "transfer.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["text"])
        for r in splits["transfer"]:
            w.writerow([r["text"]])


def report(splits):
    all_texts = [r["text"] for s in splits.values() for r in s]
    assert len(all_texts) == len(set(all_texts)), "duplicate texts"
    print(f"seed {SEED}")
    print(f"{'split':<11}{'rows':>6}{'negative':>16}{'neutral':>16}{'positive':>16}{'words mean':>12}{'min':>5}{'max':>5}")
    for name in ("train", "validation", "test", "transfer"):
        rows = splits[name]
        c = Counter(r["label"] for r in rows)
        n = len(rows)
        lens = [len(r["text"].split()) for r in rows]
        cells = "".join(f"{c[lab]:>7} ({100 * c[lab] / n:4.1f}%)" for lab in LABELS)
        print(f"{name:<11}{n:>6}{cells}{sum(lens) / n:>12.1f}{min(lens):>5}{max(lens):>5}")
    lens = [len(t.split()) for t in all_texts]
    inside = sum(6 <= x <= 25 for x in lens) / len(lens)
    print(f"all rows: {len(all_texts)}, {100 * inside:.0f}% have 6 to 25 words")
    print("\nphenomenon x label (train + validation + test)")
    labelled = splits["train"] + splits["validation"] + splits["test"]
    table = Counter((r["phenomenon"], r["label"]) for r in labelled)
    per_split = {s: Counter(r["phenomenon"] for r in splits[s]) for s in ("train", "validation", "test")}
    phens = sorted({p for p, _ in table})
    print(f"{'phenomenon':<40}{'neg':>5}{'neu':>5}{'pos':>5}   {'train':>5}{'val':>5}{'test':>5}")
    for p in phens:
        print(f"{p:<40}{table[(p, NEG)]:>5}{table[(p, NEU)]:>5}{table[(p, POS)]:>5}   "
              f"{per_split['train'][p]:>5}{per_split['validation'][p]:>5}{per_split['test'][p]:>5}")
    print("\ndomains (train + validation + test):", dict(sorted(Counter(r["domain"] for r in labelled).items())))


if __name__ == "__main__":
    result = generate()
    write(result)
    report(result)
