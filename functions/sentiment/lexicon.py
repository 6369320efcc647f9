"""Word valences for the sentiment scorer, from -4 (very negative) to +4 (very positive).

Hand-made for hotplug: common English opinion words, a few slang terms and
emoticons. Words are lower-case; inflections that change the valence get their
own entry, plain plurals and "-ly" adverbs are handled by the scorer.
"""

VALENCE: dict[str, float] = {
    # strongly positive
    "amazing": 3.2, "awesome": 3.1, "brilliant": 3.0, "excellent": 3.2, "exceptional": 3.0, "fantastic": 3.3,
    "flawless": 3.0, "magnificent": 3.2, "marvelous": 3.0, "outstanding": 3.2, "perfect": 3.1, "phenomenal": 3.2,
    "spectacular": 3.1, "superb": 3.2, "terrific": 3.0, "wonderful": 3.2, "incredible": 2.9, "love": 3.0,
    "loved": 2.9, "loves": 2.9, "loving": 2.8, "adore": 3.0, "adored": 2.9, "ecstatic": 3.3, "thrilled": 3.0,
    "delighted": 2.9, "delightful": 2.9, "masterpiece": 3.2, "best": 3.0, "glorious": 3.0, "stunning": 2.9,
    "breathtaking": 3.0, "legendary": 2.6, "euphoric": 3.1, "blissful": 3.0, "exquisite": 3.0,
    # positive
    "good": 1.9, "great": 3.0, "nice": 1.8, "fine": 0.8, "happy": 2.7, "glad": 2.0, "pleased": 2.1,
    "enjoy": 2.2, "enjoyed": 2.2, "enjoyable": 2.2, "like": 1.5, "liked": 1.6, "likes": 1.5, "fun": 2.2,
    "beautiful": 2.9, "pretty": 1.8, "lovely": 2.8, "pleasant": 2.2, "cool": 1.3, "impressive": 2.5,
    "impressed": 2.3, "helpful": 2.0, "useful": 1.8, "valuable": 2.0, "recommend": 1.9, "recommended": 1.9,
    "satisfied": 1.9, "satisfying": 2.0, "smooth": 1.4, "fast": 1.2, "quick": 1.0, "easy": 1.5, "clean": 1.3,
    "reliable": 1.9, "stable": 1.2, "solid": 1.6, "friendly": 2.1, "kind": 1.9, "polite": 1.5,
    "generous": 2.2, "fair": 1.2, "honest": 1.9, "trust": 1.8, "trusted": 1.8, "safe": 1.5, "secure": 1.4,
    "calm": 1.2, "comfortable": 1.6, "cozy": 1.7, "fresh": 1.3, "tasty": 2.0, "delicious": 2.8, "yummy": 2.3,
    "win": 2.6, "winner": 2.6, "won": 2.4, "wins": 2.5, "success": 2.7, "successful": 2.6, "succeed": 2.3,
    "improve": 1.7, "improved": 1.9, "improvement": 1.8, "better": 1.9, "benefit": 1.7, "gain": 1.5,
    "thanks": 1.9, "thank": 1.6, "thankful": 2.2, "grateful": 2.4, "appreciate": 2.1, "appreciated": 2.2,
    "congrats": 2.4, "congratulations": 2.7, "welcome": 1.9, "hope": 1.6, "hopeful": 1.8, "optimistic": 1.9,
    "excited": 2.5, "exciting": 2.4, "interesting": 1.7, "fascinating": 2.4, "elegant": 2.1, "clever": 2.0,
    "smart": 1.7, "genius": 2.8, "wise": 1.8, "creative": 1.9, "inspiring": 2.5, "inspired": 2.2,
    "proud": 2.1, "confident": 1.8, "brave": 2.2, "strong": 1.4, "healthy": 1.8, "peaceful": 2.0,
    "joy": 2.8, "joyful": 2.9, "cheerful": 2.5, "laugh": 2.0, "laughing": 2.1, "smile": 2.0, "smiling": 2.1,
    "yay": 2.4, "wow": 2.3, "woohoo": 2.6, "hooray": 2.6, "kudos": 2.1, "bravo": 2.4, "sweet": 2.0,
    "worth": 1.4, "worthwhile": 1.9, "favorite": 2.0, "favourite": 2.0, "positive": 2.2, "correct": 1.0,
    "works": 1.0, "working": 0.6, "fixed": 1.2, "resolved": 1.4, "rocks": 2.1, "neat": 1.6, "fab": 2.4,
    "wholesome": 2.2, "charming": 2.3, "gorgeous": 3.0, "heartwarming": 2.6, "refreshing": 2.0,
    "affordable": 1.5, "bargain": 1.6, "accurate": 1.5, "responsive": 1.5, "intuitive": 1.8,
    "lucky": 1.9, "fortunate": 1.9, "relief": 1.7, "relieved": 1.9, "ok": 0.9, "okay": 0.9, "decent": 1.3,
    # mildly negative
    "meh": -0.8, "boring": -1.9, "bored": -1.6, "dull": -1.6, "bland": -1.3, "mediocre": -1.6,
    "slow": -1.2, "late": -1.0, "delay": -1.2, "delayed": -1.3, "expensive": -1.3, "overpriced": -1.8,
    "confusing": -1.6, "confused": -1.4, "complicated": -1.2, "difficult": -1.3, "hard": -0.6,
    "problem": -1.6, "problems": -1.6, "issue": -1.1, "issues": -1.2, "bug": -1.5, "bugs": -1.5, "buggy": -2.0,
    "error": -1.6, "errors": -1.6, "fail": -2.2, "failed": -2.2, "fails": -2.1, "failing": -2.1, "failure": -2.4,
    "broken": -2.2, "break": -1.2, "crash": -2.2, "crashed": -2.3, "crashes": -2.3, "wrong": -2.0,
    "missing": -1.1, "lost": -1.4, "lose": -1.6, "loss": -1.8, "losing": -1.6, "worse": -2.1,
    "unfortunately": -1.4, "sadly": -1.8, "sorry": -0.8, "regret": -2.0, "disappointed": -2.3,
    "disappointing": -2.3, "disappointment": -2.4, "annoyed": -2.0, "annoying": -2.1, "irritating": -2.1,
    "frustrated": -2.3, "frustrating": -2.3, "tired": -1.3, "weak": -1.4, "poor": -2.0, "poorly": -2.0,
    "cheap": -0.7, "ugly": -2.4, "messy": -1.5, "dirty": -1.8, "rude": -2.3, "unfair": -2.0, "unhappy": -2.3,
    "sad": -2.1, "upset": -2.1, "worried": -1.7, "worry": -1.6, "afraid": -1.9, "scared": -2.0, "fear": -2.1,
    "nervous": -1.4, "anxious": -1.7, "stress": -1.7, "stressful": -2.0, "painful": -2.3, "pain": -2.2,
    "hurt": -2.2, "hurts": -2.2, "sick": -1.9, "ill": -1.6, "risky": -1.4, "risk": -1.1, "unstable": -1.8,
    "unreliable": -2.1, "useless": -2.4, "pointless": -2.0, "waste": -2.3, "wasted": -2.3, "mess": -1.9,
    "complain": -1.7, "complaint": -1.8, "refund": -1.0, "cancel": -0.9, "cancelled": -1.1, "negative": -2.0,
    "bad": -2.5, "badly": -2.4, "lame": -1.8, "sucks": -2.4, "suck": -2.3, "ugh": -1.9,
    # strongly negative
    "terrible": -3.1, "horrible": -3.1, "awful": -3.1, "dreadful": -3.0, "atrocious": -3.3, "abysmal": -3.2,
    "disgusting": -3.1, "disgusted": -2.9, "hate": -3.0, "hated": -3.0, "hates": -2.9, "hating": -2.9,
    "loathe": -3.1, "despise": -3.1, "worst": -3.2, "pathetic": -2.7, "miserable": -2.9, "horrific": -3.3,
    "furious": -3.0, "angry": -2.5, "outraged": -2.9, "outrageous": -2.6, "nightmare": -2.9, "disaster": -3.0,
    "disastrous": -3.1, "catastrophe": -3.1, "catastrophic": -3.2, "tragic": -2.9, "tragedy": -2.9,
    "devastated": -3.0, "devastating": -3.0, "depressed": -2.7, "depressing": -2.6, "heartbroken": -3.0,
    "scam": -3.0, "fraud": -3.0, "toxic": -2.7, "evil": -3.2, "cruel": -2.9, "vile": -3.0, "garbage": -2.6,
    "trash": -2.4, "crap": -2.5, "rubbish": -2.3, "hopeless": -2.6, "unusable": -2.7, "insulting": -2.6,
    "dead": -2.2, "die": -2.4, "died": -2.5, "kill": -2.8, "killed": -2.9, "violent": -2.7, "broke": -1.6,
    # emoticons and emoji
    ":)": 1.9, ":-)": 1.9, ":d": 2.3, ":-d": 2.3, ";)": 1.4, "<3": 2.4, ":(": -1.9, ":-(": -1.9,
    ":'(": -2.3, ">:(": -2.5, ":/": -0.9, "👍": 1.9, "❤️": 2.6, "❤": 2.6, "😀": 2.2, "😊": 2.2, "😍": 2.8,
    "🎉": 2.2, "🙂": 1.5, "😢": -2.1, "😭": -2.3, "😡": -2.7, "👎": -1.9, "🙁": -1.6, "💩": -1.8,
}

# Words that flip the valence of an opinion word that follows within a few tokens.
NEGATIONS = frozenset(
    "not no never none nobody nothing neither nor nowhere without cannot cant dont doesnt didnt isnt arent "
    "wasnt werent wont wouldnt shouldnt couldnt hasnt havent hadnt aint hardly barely scarcely".split()
)

# Degree modifiers: how much they scale the opinion word right after them.
BOOSTERS: dict[str, float] = {
    "very": 0.3, "really": 0.3, "so": 0.25, "too": 0.2, "extremely": 0.45, "incredibly": 0.45,
    "absolutely": 0.4, "totally": 0.35, "completely": 0.35, "utterly": 0.45, "highly": 0.35, "super": 0.35,
    "truly": 0.3, "deeply": 0.35, "especially": 0.25, "exceptionally": 0.45, "remarkably": 0.35,
    "most": 0.3, "more": 0.15, "quite": 0.15, "pretty": 0.15, "damn": 0.3, "freaking": 0.35, "insanely": 0.45,
    "slightly": -0.3, "somewhat": -0.25, "bit": -0.25, "little": -0.2, "marginally": -0.3, "fairly": -0.15,
    "kinda": -0.25, "sorta": -0.25, "mildly": -0.3, "less": -0.2, "partly": -0.25, "occasionally": -0.2,
}
