"""Curated name knowledge: nicknames and sound-alike spellings no rule can derive.

Why curated: "Bill" for William or "Neve" for Niamh is cultural, not phonetic. The tables are small, plain
text (easy for the council to extend) and parsed once. Nickname lines read `formal: short forms`; a short
form may appear under several formal names (Alex: Alexander, Alexandra). Sound-alike lines list spellings
a handler might write for the same spoken name.
"""

from __future__ import annotations

from functools import lru_cache

NICKNAMES = """
abigail: abi abby abbie gail
alexander: alex alec alexa sandy xander lex ali
alexandra: alex alexa lexi lexie sandra sandy ali
alfred: alfie alf fred freddie
andrew: andy drew
anthony: tony ant
archibald: archie
arthur: art artie
barnaby: barney
benjamin: ben benji benny
catherine: cathy kate katie katy cat kit kitty
katherine: kathy kate katie katy kat kit kitty
kathryn: kathy kate katie katy
caroline: carrie caz
charles: charlie chas chuck
charlotte: charlie lottie lotte
christopher: chris kit topher
christine: chris chrissie tina
daniel: dan danny
david: dave davy
deborah: debbie deb
dominic: dom
edward: ed eddie ted teddy ned
eleanor: ellie nell nellie ella
elizabeth: liz lizzie lizzy beth betty bess bessie eliza libby lisa elsie
ellen: ellie nell
emily: em emmy millie
emma: em emmy
florence: flo florrie flossie
frances: fran frankie fanny
francis: frank frankie fran
frederick: fred freddie freddy
gabriel: gabe gabby
gabriella: gabby ella
harold: harry hal
henry: harry hal hank
harriet: hattie harry
isabella: bella izzy issy isla
isabelle: bella izzy issy
jacob: jake jay
james: jim jimmy jamie jem
jennifer: jen jenny jenna
jessica: jess jessie
jonathan: jon jonny nathan
joseph: joe joey jo
joshua: josh
katarzyna: kasia
leonard: len lenny leo
leonardo: leo
lucas: luke
madeleine: maddie maddy
margaret: maggie meg peggy maisie daisy greta
matilda: tilly tilda
matthew: matt matty
michael: mike mikey mick micky
natalie: nat
nathaniel: nathan nat
nicholas: nick nicky nico
oliver: ollie olly
olivia: liv livvy ollie
patrick: pat paddy
penelope: penny
peter: pete
rebecca: becky becca
richard: rich richie rick ricky dick
robert: rob robbie bob bobby bert
ronald: ron ronnie
samuel: sam sammy
samantha: sam sammy
sebastian: seb
stephanie: steph
stephen: steve stevie
steven: steve stevie
susan: sue susie
theodore: theo ted teddy
thomas: tom tommy
timothy: tim timmy
victoria: vicky tori
william: will willie willy bill billy liam
zachary: zach zack
"""

SOUND_ALIKES = """
niamh neve neave neeve nieve
siobhan shivaun shavon chevonne shevaun
aoife eefa eefah ifa
caoimhe keeva kiva
saoirse seersha sersha
sinead shinade shinead
grainne grania
roisin rosheen
oisin osheen
ciara keira kiera
ciaran kieran keiran
aisling ashling
eoin owen
sean shaun shawn
tadhg tige
mohammed muhammad mohamed mohammad muhammed mohamad mahmoud mehmet
ahmed ahmad
nguyen nyugen nguyan nuyen win
jakub yakub
wojciech voytek
krzysztof christoph
zoe zoey zoie
chloe cloe khloe
jayden jaden jaiden
aidan aiden aydan
leah lea
isla islay
eilidh ailie
"""


def _parse_nicknames() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    formal_to_short: dict[str, set[str]] = {}
    short_to_formal: dict[str, set[str]] = {}
    for line in NICKNAMES.strip().splitlines():
        formal, _, shorts = line.partition(":")
        formal = formal.strip()
        for s in shorts.split():
            formal_to_short.setdefault(formal, set()).add(s)
            short_to_formal.setdefault(s, set()).add(formal)
    return (
        {k: frozenset(v) for k, v in formal_to_short.items()},
        {k: frozenset(v) for k, v in short_to_formal.items()},
    )


_FORMAL_TO_SHORT, _SHORT_TO_FORMAL = _parse_nicknames()


@lru_cache(maxsize=4096)
def nickname_variants(word: str) -> tuple[tuple[str, float], ...]:
    """Names `word` may stand for, with a closeness: formal<->short 1.0, two shorts of one name 0.8."""
    out: dict[str, float] = {}
    for s in _FORMAL_TO_SHORT.get(word, ()):
        out[s] = 1.0
    for f in _SHORT_TO_FORMAL.get(word, ()):
        out[f] = 1.0
        for s in _FORMAL_TO_SHORT[f]:
            out.setdefault(s, 0.8)
    out.pop(word, None)
    return tuple(out.items())


def _parse_sound_alikes() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for line in SOUND_ALIKES.strip().splitlines():
        group = set(line.split())
        for w in group:
            table.setdefault(w, set()).update(group - {w})
    return {k: frozenset(v) for k, v in table.items()}


_SOUND_ALIKES = _parse_sound_alikes()


def sound_alikes(word: str) -> frozenset[str]:
    """Curated spellings that sound like `word` (excluding itself)."""
    return _SOUND_ALIKES.get(word, frozenset())
