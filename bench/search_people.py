"""An independent population of synthetic children for the search benchmark, with its own name knowledge.

Why independent: a benchmark whose queries come from the tables the engine uses only measures the tables
against themselves. Nothing here is derived from `dutyline.demo` or from the engine's name files: the name
pools, the nickname lists and the heard spellings below were written for the benchmark from general
knowledge of how these names are used and misheard. They overlap the engine's files by nature (Bill is
William everywhere); the held-out runs in bench/search.py remove each benchmark pair from the engine's
tables for the run that queries it, so the overlap cannot flatter the figures.

Each culture has given names, surnames, nicknames (formal -> short forms people use) and heard spellings
(written -> how a handler may write it after hearing it on the phone).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field


@dataclass
class Culture:
    name: str
    weight: float
    given: list[str]
    surnames: list[str]
    nicknames: dict[str, list[str]] = field(default_factory=dict)
    heard: dict[str, list[str]] = field(default_factory=dict)


def _w(text: str) -> list[str]:
    return text.split()


CULTURES = [
    Culture(
        "english",
        0.42,
        _w(
            "Oliver George Harry Noah Jack Leo Arthur Oscar Charlie Freddie Alfie Theodore Archie Henry Thomas "
            "William Joshua Samuel Benjamin Alexander Edward Frederick Nathaniel Jonathan Christopher Matthew "
            "Daniel Joseph Reuben Toby Felix Hugo Jasper Rupert Barnaby Ellis Kieran Olivia Amelia Isla Ava Ivy "
            "Florence Lily Freya Evie Poppy Sophia Isabella Grace Rosie Harriet Matilda Elizabeth Victoria "
            "Katherine Abigail Penelope Rebecca Jennifer Margaret Eleanor Charlotte Josephine Catherine Beatrice "
            "Imogen Phoebe Zoë Chloë Niamh Esmé Renée"
        ),
        _w(
            "Hallworth Featherstone Smith Jones Taylor Brown Wilson Evans Thomas Johnson Roberts Walker Wright "
            "Robinson Thompson White Hughes Edwards Green Hall Wood Harris Lewis Martin Jackson Clarke Clark Turner "
            "Hill Scott Cooper Morris Ward Moore King Watson Baker Harrison Morgan Patel Young Allen Mitchell James "
            "Anderson Phillips Lee Bell Parker Davis Satterley Smithson Pennington Ashworth Blackwood Cartwright "
            "Drinkwater Fairbrother Goodfellow Hardcastle Inglethorpe Kettleborough Longbottom Merryweather "
            "Nethercott Oakenshaw Postlethwaite Quarrington Rowbotham Sidebottom Thistlethwaite Underwood "
            "Wainwright Yardley Carter Carter-Wright Fenwick-Holt Ashby-Cole Knowles Wrigley Knightley Vaughan "
            "Leigh Gough Houghton Colquhoun Menzies Beauchamp Mainwaring Cholmondeley Marjoribanks"
        ),
        {
            "william": ["bill", "billy", "will", "wills"],
            "robert": ["bob", "rob", "bobby", "robbie"],
            "richard": ["dick", "rich", "richie"],
            "edward": ["ted", "ned", "eddie", "ed"],
            "henry": ["harry", "hal"],
            "margaret": ["peggy", "meg", "maggie", "madge"],
            "elizabeth": ["bess", "betsy", "liz", "lizzie", "libby", "beth", "betty"],
            "katherine": ["kate", "kit", "kitty", "kathy"],
            "catherine": ["cathy", "cath", "kate"],
            "frederick": ["fred", "freddie", "fritz"],
            "alexander": ["sandy", "alex", "xander"],
            "christopher": ["kit", "chris"],
            "jonathan": ["jon", "jonny"],
            "nathaniel": ["nat", "nate"],
            "josephine": ["jo", "josie"],
            "jennifer": ["jen", "jenny"],
            "rebecca": ["becky", "becca"],
            "abigail": ["abby", "abbie"],
            "penelope": ["penny", "pen"],
            "theodore": ["theo", "teddy"],
            "benjamin": ["ben", "benji", "benny"],
            "matthew": ["matt", "matty"],
            "samuel": ["sam", "sammy"],
            "joshua": ["josh"],
            "daniel": ["dan", "danny"],
            "joseph": ["joe", "joey"],
            "thomas": ["tom", "tommy"],
            "victoria": ["vicky", "tori"],
            "eleanor": ["nell", "nora", "ellie"],
            "charlotte": ["lottie", "charlie"],
            "beatrice": ["bea", "trixie"],
            "isabella": ["izzy", "bella"],
            "matilda": ["tilly", "mattie"],
            "harriet": ["hattie"],
            "florence": ["flo", "florrie"],
            "imogen": ["immy"],
            "barnaby": ["barney"],
            "rupert": ["ru"],
            "reuben": ["rube"],
        },
        {
            "colquhoun": ["cahoon"],
            "menzies": ["mingis"],
            "beauchamp": ["beecham"],
            "mainwaring": ["mannering"],
            "cholmondeley": ["chumley"],
            "marjoribanks": ["marchbanks"],
            "knowles": ["noles"],
            "wrigley": ["rigley"],
            "knightley": ["nightly"],
            "vaughan": ["vawn"],
            "leigh": ["lee"],
            "gough": ["goff"],
            "houghton": ["horton"],
            "featherstone": ["fetherstone"],
            "postlethwaite": ["posselthwaite"],
            "sidebottom": ["siddybottom"],
        },
    ),
    Culture(
        "irish",
        0.08,
        _w(
            "Niamh Siobhán Aoife Caoimhe Saoirse Sinéad Gráinne Róisín Clodagh Aisling Orlaith Méabh Eimear "
            "Ailbhe Sadhbh Dearbhla Fionnuala Bronagh Oisín Ciarán Pádraig Tadhg Eoghan Cathal Donnchadh Ruairí "
            "Diarmuid Cillian Darragh Fiachra Seán Eoin Colm Cormac Lorcan Rónán Séamus Naoise Laoise"
        ),
        _w(
            "O'Sullivan O'Brien Murphy Kelly Walsh Byrne Ryan O'Connor McCarthy Doherty Gallagher Kennedy "
            "Lynch Murray Quinn Moore McLoughlin Carroll Connolly Daly Dunne Brennan Burke Collins Campbell "
            "Clarke Johnston Hughes Farrell Fitzgerald Brady Kavanagh Ó Súilleabháin Mac Giolla Nic Aodha "
            "Ní Bhriain Ó Ceallaigh Breathnach Ó Dónaill MacMathúna Ó Gráda"
        ),
        {
            "padraig": ["paudie", "podge"],
            "seamus": ["shay", "seamie"],
            "siobhan": ["shiv", "shivvy"],
            "fionnuala": ["nuala", "finn"],
            "donnchadh": ["donie"],
            "cathal": ["cal"],
            "dearbhla": ["dervi"],
            "diarmuid": ["derm"],
            "eoghan": ["eo"],
            "ruairi": ["ru"],
        },
        {
            "niamh": ["neeve", "neev"],
            "siobhan": ["shevawn", "chivon"],
            "aoife": ["eefa", "eeefa"],
            "caoimhe": ["keeva", "kweeva"],
            "saoirse": ["sursha", "seersha"],
            "sinead": ["shinaid", "shanaid"],
            "grainne": ["grawnya", "grania"],
            "roisin": ["rosheen"],
            "orlaith": ["orla", "orlah"],
            "meabh": ["maeve", "mayve"],
            "ailbhe": ["alva"],
            "sadhbh": ["sive", "syve"],
            "dearbhla": ["dervla"],
            "oisin": ["usheen", "osheen"],
            "tadhg": ["tige", "teig"],
            "eoghan": ["owen", "oh-in"],
            "donnchadh": ["dunaka", "donagh"],
            "ruairi": ["rory"],
            "diarmuid": ["dermot", "deermid"],
            "cathal": ["cahal", "kahal"],
            "naoise": ["neesha", "neesa"],
            "laoise": ["leesha"],
            "fiachra": ["feeakra"],
            "breathnach": ["branagh", "brannock"],
            "o suilleabhain": ["o sullivan"],
        },
    ),
    Culture(
        "scottish",
        0.03,
        _w("Eilidh Mhairi Ailsa Catriona Morag Kirsty Iain Hamish Callum Ruaridh Alasdair Fraser Lachlan Euan Seonaid"),
        _w(
            "MacLeod MacDonald Campbell Stewart Robertson Fraser Urquhart Farquharson Dalziel Menzies Colquhoun "
            "MacKenzie Sinclair Munro Buchanan"
        ),
        {
            "alasdair": ["ally", "alec"],
            "catriona": ["cat", "trina"],
            "hamish": ["hame"],
            "lachlan": ["lachie", "lachy"],
        },
        {
            "eilidh": ["aylee", "ealie"],
            "mhairi": ["varee", "vahri"],
            "seonaid": ["shona", "shonna"],
            "ruaridh": ["rory", "roo-ary"],
            "urquhart": ["urkart", "erkurt"],
            "farquharson": ["farkerson"],
            "dalziel": ["dee-el", "deeyell"],
            "iain": ["ian"],
            "euan": ["ewan", "yuan"],
        },
    ),
    Culture(
        "welsh",
        0.03,
        _w(
            "Rhys Dafydd Gwilym Iestyn Gethin Hywel Ieuan Tudur Dyfan Gruffydd Llewelyn Aneurin Cerys Ffion Seren "
            "Rhiannon Angharad Bethan Gwenllian Siân Nia Eluned Llinos Meinir Siwan Carys Mali"
        ),
        _w(
            "Jones Williams Davies Evans Thomas Roberts Hughes Lewis Morgan Griffiths Price Pritchard Llywelyn "
            "Rhydderch"
        ),
        {
            "dafydd": ["dai", "dewi", "daf"],
            "gwilym": ["gwil", "wil"],
            "llewelyn": ["llew", "lyn"],
            "gruffydd": ["gruff", "guto"],
            "rhiannon": ["rhi"],
            "angharad": ["hari", "ang"],
            "gwenllian": ["gwen"],
            "aneurin": ["nye"],
        },
        {
            "rhys": ["reece", "rees"],
            "dafydd": ["davith", "davyth"],
            "sian": ["sharn", "shahn"],
            "siwan": ["shoo-an", "shuan"],
            "ffion": ["fion", "feeon"],
            "llinos": ["hlinos", "clinos"],
            "ieuan": ["yiyan", "yaan"],
            "hywel": ["howell"],
            "tudur": ["tidir", "tudor"],
            "gwenllian": ["gwenhlian", "gwenthlian"],
            "llywelyn": ["lewellin", "thlewellin"],
            "rhydderch": ["ruthergh", "prothero"],
            "meinir": ["mainir"],
            "dyfan": ["duvan"],
        },
    ),
    Culture(
        "polish",
        0.06,
        _w(
            "Łukasz Wojciech Krzysztof Grzegorz Przemysław Szymon Mikołaj Maciej Jakub Paweł Tomasz Mateusz "
            "Katarzyna Małgorzata Agnieszka Zofia Zuzanna Jadwiga Joanna Magdalena Aleksandra Bożena Ionuț Mihai "
            "Andreea Ioana Vytautas Gintaras Rūta Aušra"
        ),
        _w(
            "Kowalski Nowak Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Woźniak "
            "Dąbrowski Kozłowski Jankowski Mazur Krawczyk Szczepański Grzybowski Przybylski Popescu Ionescu "
            "Dumitrescu Kazlauskas Petrauskas Jankauskas"
        ),
        {
            "malgorzata": ["gosia", "małgosia"],
            "katarzyna": ["kasia", "kaśka"],
            "wojciech": ["wojtek"],
            "aleksandra": ["ola", "olka"],
            "zofia": ["zosia"],
            "joanna": ["asia"],
            "jakub": ["kuba"],
            "tomasz": ["tomek"],
            "agnieszka": ["aga"],
            "magdalena": ["magda"],
            "krzysztof": ["krzyś", "krzysiek"],
            "grzegorz": ["grześ"],
            "mikolaj": ["mikołajek"],
            "ionut": ["ionel"],
        },
        {
            "lukasz": ["wookash", "wukash"],
            "wojciech": ["voytek", "voyjeck"],
            "krzysztof": ["kshishtof", "krishtoff"],
            "grzegorz": ["gzhegosh", "gregosh"],
            "przemyslaw": ["pshemislav"],
            "szymon": ["shimon", "shymon"],
            "mikolaj": ["meekowai", "mikowai"],
            "maciej": ["machey", "matchay"],
            "jakub": ["yakoob", "yakub"],
            "pawel": ["pavel", "pavvel"],
            "katarzyna": ["katazhina", "katajina"],
            "malgorzata": ["mawgozhata"],
            "agnieszka": ["agnyeshka", "agneshka"],
            "jadwiga": ["yadviga"],
            "zuzanna": ["zoozanna"],
            "wisniewski": ["vishnevski", "wishnefsky"],
            "wojcik": ["voicheek", "voychick"],
            "szczepanski": ["shchepanski", "stepanski"],
            "wozniak": ["vozniak", "vozhnyak"],
            "grzybowski": ["gzhibovski"],
            "ionut": ["yonutz"],
            "vytautas": ["vitowtas"],
        },
    ),
    Culture(
        "west_african",
        0.07,
        _w(
            "Oluwaseun Oluwatobi Oluwadamilare Olamide Tomiwa Adebayo Babatunde Temitope Ayomide Oluwafemi "
            "Oluwatosin Funmilayo Chukwuemeka Chinonso Chidinma Chiamaka Nnamdi Obinna Ngozi Nkechi Kwabena "
            "Kwame Abena Adwoa Akosua Kofi Yaw Ama Efua Kojo"
        ),
        _w(
            "Adeyemi Okafor Okonkwo Adebayo Oyelaran Ogunleye Adeleke Eze Nwosu Obi Mensah Asante Boateng Owusu "
            "Osei Appiah Acheampong Agyeman Danquah Ogundipe Afolabi Olatunji Babatunde Nwachukwu Ikechukwu"
        ),
        {
            "oluwaseun": ["seun", "shola"],
            "oluwatobi": ["tobi", "toby"],
            "oluwadamilare": ["dami", "lare"],
            "olamide": ["ola", "mide"],
            "tomiwa": ["tomi"],
            "adebayo": ["bayo", "debo"],
            "babatunde": ["tunde", "baba"],
            "temitope": ["temi", "tope"],
            "ayomide": ["ayo", "mide"],
            "oluwafemi": ["femi"],
            "oluwatosin": ["tosin", "tosh"],
            "funmilayo": ["funmi", "funmi"],
            "chukwuemeka": ["emeka", "chuks"],
            "chinonso": ["nonso"],
            "chidinma": ["dinma", "chi"],
            "chiamaka": ["amaka", "chi"],
            "kwabena": ["kobby", "kobi"],
            "akosua": ["akos"],
            "kwame": ["kwam"],
        },
        {
            "oluwaseun": ["oluwashaun", "olushaun"],
            "chukwuemeka": ["chookwuemeka", "chukuemeka"],
            "nkechi": ["enkechi", "nkeche"],
            "ngozi": ["engozi", "ngozie"],
            "adwoa": ["adjoa", "ajwa"],
            "akosua": ["akossua", "akosuah"],
            "kwabena": ["kwebena", "kwabina"],
            "kofi": ["koffi", "kofie"],
            "yaw": ["yow"],
            "efua": ["effua", "efuwa"],
            "nwosu": ["wosu", "nwoso"],
            "nwachukwu": ["wachukwu", "nwachuku"],
            "acheampong": ["achempong", "acheampon"],
            "agyeman": ["ajeman", "agyemang"],
            "owusu": ["owoosu"],
        },
    ),
    Culture(
        "somali",
        0.03,
        _w(
            "Abdirahman Abdullahi Maxamed Cabdi Xasan Cumar Faadumo Xaliimo Hodan Ayaan Ubah Sahra Nimco Khadar Liibaan"
        ),
        _w("Warsame Farah Jama Hersi Abdi Mohamud Yusuf Osman Ismail Egal Duale Nur Ali Hassan Guled"),
        {"abdirahman": ["abdi"], "abdullahi": ["abdi", "dulla"], "faadumo": ["fadumo", "faduma"], "maxamed": ["mo"]},
        {
            "maxamed": ["mohamed", "mahamed"],
            "cabdi": ["abdi"],
            "xasan": ["hassan", "hasan"],
            "cumar": ["omar", "umar"],
            "xaliimo": ["halimo", "haliimo"],
            "nimco": ["nimo", "nimca"],
            "khadar": ["kadar", "qadar"],
            "liibaan": ["liban", "leeban"],
            "mohamud": ["mahmoud", "mohammud"],
            "duale": ["dualeh", "dualle"],
        },
    ),
    Culture(
        "south_asian",
        0.12,
        _w(
            "Harpreet Gurpreet Manpreet Jaspreet Simran Sukhwinder Parminder Rajinder Arjun Aditya Siddharth "
            "Rohan Vikram Priyanka Ananya Lakshmi Deepika Aarav Vihaan Ishaan Mohammed Muhammad Aisha Zainab "
            "Khadija Ayaan Rayyan Zara Jai Dev Ravi"
        ),
        _w(
            "Patel Shah Singh Kaur Sharma Gupta Kumar Mehta Joshi Desai Iyer Nair Reddy Rao Chaudhry Siddiqui "
            "Qureshi Iqbal Hussain Begum Rahman Akhtar Malik Mirza Bhatt Sandhu Dhillon Grewal Gill Sidhu"
        ),
        {
            "harpreet": ["harry", "preet"],
            "gurpreet": ["gurp", "preet"],
            "rajinder": ["raj", "raju"],
            "sukhwinder": ["sukhi", "sukh"],
            "parminder": ["pam", "pinky"],
            "siddharth": ["sid", "siddu"],
            "aditya": ["adi"],
            "priyanka": ["priya", "pinky"],
            "lakshmi": ["lucky"],
            "vikram": ["vik", "vicky"],
            "mohammed": ["mo", "mohd"],
            "muhammad": ["mo", "md"],
            "deepika": ["deepu"],
        },
        {
            "harpreet": ["harprit"],
            "gurpreet": ["gurprit"],
            "simran": ["simren"],
            "sukhwinder": ["sukhvinder", "sukvinder"],
            "lakshmi": ["laxmi", "lakshmee"],
            "chaudhry": ["choudhury", "chowdry"],
            "siddiqui": ["siddiki", "sidiqi"],
            "qureshi": ["kureshi", "qureishi"],
            "iqbal": ["ikbal"],
            "khadija": ["kadija", "khadeeja"],
            "mohammed": ["muhamad", "mohamad"],
            "zainab": ["zaynab"],
            "aisha": ["ayesha", "aysha"],
            "kaur": ["kor"],
            "jai": ["jay"],
            "dhillon": ["dillon"],
            "reddy": ["reddi"],
            "iyer": ["iyar", "ayer"],
        },
    ),
    Culture(
        "arabic",
        0.05,
        _w(
            "Yusuf Ibrahim Abdullah Hussein Hassan Khalid Mustafa Omar Tariq Karim Rashid Said Fatima Mariam "
            "Layla Nour Aisha Amira Yasmin Salma Hana Rania"
        ),
        _w("Al-Sayed Haddad Khoury Nasser Mansour Hamdan Aziz Rahimi Karimi Abboud Saleh Darwish Qasim Haidar Jaber"),
        {
            "abdullah": ["abdo", "abood"],
            "mustafa": ["musti", "moose"],
            "ibrahim": ["ibby", "bram"],
            "fatima": ["fati", "fatty"],
            "yusuf": ["yus", "joe"],
            "khalid": ["kal"],
        },
        {
            "yusuf": ["yousef", "yoosuf"],
            "ibrahim": ["ebrahim", "ibraheem"],
            "abdullah": ["abdalla", "abdulla"],
            "hussein": ["husain", "hossain"],
            "khalid": ["khaled", "kaleed"],
            "mustafa": ["mostafa", "moustapha"],
            "omar": ["umar", "omer"],
            "tariq": ["tarek", "tarik"],
            "karim": ["kareem"],
            "rashid": ["rasheed"],
            "said": ["saeed", "sayeed"],
            "mariam": ["maryam", "miriam"],
            "layla": ["leila", "laila"],
            "nour": ["noor", "nur"],
            "qasim": ["kasim", "kassem"],
            "haidar": ["haider", "hyder"],
            "khoury": ["khouri", "coury"],
        },
    ),
    Culture(
        "chinese",
        0.04,
        _w("Xiaoming Weiwei Jiahao Zihan Yuxuan Haoran Zhiwei Xinyi Qian Jing Hui Ling Mei Wei Jun Xuan"),
        _w("Zhang Wang Li Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo Lin He Gao Luo"),
        {"xiaoming": ["ming", "xiao"], "weiwei": ["wei"], "zhiwei": ["wei"], "jiahao": ["hao"]},
        {
            "xiaoming": ["shaoming", "siaoming"],
            "zihan": ["zuhan", "tsihan"],
            "xinyi": ["shinyi", "sinyi"],
            "qian": ["chian", "chien"],
            "xuan": ["shuan", "hsuan"],
            "zhang": ["jang", "chang"],
            "zhou": ["joe", "jo"],
            "xu": ["shu", "hsu"],
            "zhao": ["jao", "chao"],
            "huang": ["hwang", "wong"],
            "zhu": ["joo", "chu"],
            "guo": ["gwo", "kuo"],
            "luo": ["lwo", "lo"],
        },
    ),
    Culture(
        "vietnamese",
        0.02,
        _w("Minh Anh Linh Phuong Thuy Quang Huong Trang Duc Hung Khanh Ngoc Tuan Thanh"),
        _w("Nguyen Tran Le Pham Hoang Huynh Phan Vu Vo Dang Bui Do Ho Ngo Duong"),
        {"phuong": ["fuong"]},
        {
            "nguyen": ["nwin", "ngwen", "newyen", "win"],  # "win" is Huynh too: no one answer
            "phuong": ["fuong", "foong"],
            "thuy": ["twee", "tui"],
            "quang": ["kwang"],
            "huong": ["hoong"],
            "duc": ["duck", "dook"],
            "khanh": ["kahn", "kanh"],
            "ngoc": ["nok", "nop"],
            "tuan": ["twan"],
            "huynh": ["win", "hwin"],
            "pham": ["fam", "farm"],
            "phan": ["fan"],
            "duong": ["zoong", "yoong"],
            "tran": ["chan", "jan"],
        },
    ),
]

OUTWARDS = _w(
    "AL1 AL2 AL3 AL4 AL5 AL6 AL7 AL8 AL9 AL10 EN6 EN7 EN8 EN10 EN11 HP1 HP2 HP3 HP4 HP23 SG1 SG2 SG3 SG4 SG5 "
    "SG6 SG7 SG8 SG9 SG10 SG11 SG12 SG13 SG14 SG15 SG16 SG17 SG18 SG19 WD3 WD4 WD5 WD6 WD7 WD17 WD18 WD19 WD23 "
    "WD24 WD25 CM20 CM21 CM22 CM23 HA5 LU2"
)
SCHOOLS = _w(
    "Oakfield Riverside Hillcrest Beechwood Meadowbank Kingsway Parkside Ashcroft Millbrook Greenacres "
    "Sandringham Woodlands Longdean Marlborough Fairfield Brookmead Highfield Westbury Eastbury Thornhill"
)


@dataclass
class Person:
    culture: str
    ref: str
    first: str
    last: str
    known_as: str
    dob: dt.date
    postcode: str
    school: str
    parent: str
    phone: str
    alt_parent: str = ""


def _postcode(rng: random.Random) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"{rng.choice(OUTWARDS)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def generate(n: int, seed: int, today: dt.date) -> list[Person]:
    """`n` children, each of one culture (weighted), with one or two parents and a mobile phone."""
    rng = random.Random(seed)
    weights = [c.weight for c in CULTURES]
    out: list[Person] = []
    # Six-digit references while they suffice (the same population as before at every smaller size), seven
    # for a county of a million.
    refs = rng.sample(range(100_000, 999_999 if n < 800_000 else 9_999_999), n)
    for i in range(n):
        c = rng.choices(CULTURES, weights)[0]
        first = rng.choice(c.given)
        if rng.random() < 0.06:  # a second given name, as some records hold
            first = f"{first} {rng.choice(c.given)}"
        last = rng.choice(c.surnames)
        known = ""
        nicks = c.nicknames.get(first.lower())
        if nicks and rng.random() < 0.15:
            known = rng.choice(nicks).title()
        age_days = rng.randint(365 * 2, 365 * 24)
        dob = today - dt.timedelta(days=age_days)
        parent_culture = c if rng.random() < 0.85 else rng.choice(CULTURES)
        parent = f"{rng.choice(parent_culture.given)} {last if rng.random() < 0.8 else rng.choice(c.surnames)}"
        phone = f"07{rng.randint(100, 999)}{rng.randint(100000, 999999)}"
        out.append(
            Person(
                c.name,
                f"EHC-{refs[i]:06d}",
                first,
                last,
                known,
                dob,
                _postcode(rng),
                f"{rng.choice(SCHOOLS)} Primary School",
                parent,
                phone,
            )
        )
    return out


def case_rows(people: list[Person], start_id: int = 1) -> tuple[list[tuple], list[tuple]]:
    """CASE_COLUMNS and CONTACT_COLUMNS tuples for the index."""
    cases = [
        (i, p.ref, p.first, p.last, p.known_as, p.dob.isoformat(), p.postcode, p.school, "assessment", "Officer")
        for i, p in enumerate(people, start_id)
    ]
    contacts = [(i, 1, p.parent, p.phone, "") for i, p in enumerate(people, start_id)]
    return cases, contacts
