"""Made-up but plausible names: villages, schools and people, in Latin and Devanagari script.

Village names are glued from parts that recur across Madhya Pradesh ("Ram" + "pur", "Piplia"
+ "Kalan"). Each part is written in both scripts, so the two names of a school always agree.
"""

import random

from hazari.orgunits.categories import Category

# (Latin, Devanagari). A stem + a suffix makes one word: Ram + pur = Rampur, राम + पुर = रामपुर.
VILLAGE_STEMS = [
    ("Ram", "राम"),
    ("Shyam", "श्याम"),
    ("Kishan", "किशन"),
    ("Hari", "हरि"),
    ("Gopal", "गोपाल"),
    ("Bhairon", "भैरों"),
    ("Sultan", "सुल्तान"),
    ("Bhim", "भीम"),
    ("Kalyan", "कल्याण"),
    ("Sundar", "सुंदर"),
    ("Mohan", "मोहन"),
    ("Narayan", "नारायण"),
    ("Lakshman", "लक्ष्मण"),
    ("Shiv", "शिव"),
    ("Chand", "चांद"),
    ("Kesar", "केसर"),
    ("Bar", "बर"),
    ("Sem", "सेम"),
    ("Aam", "आम"),
    ("Khajur", "खजूर"),
    ("Dongar", "डोंगर"),
    ("Mahua", "महुआ"),
    ("Nimba", "निम्बा"),
    ("Sagon", "सागौन"),
    ("Pipal", "पीपल"),
    ("Kala", "काला"),
    ("Gora", "गोरा"),
    ("Bilai", "बिलाई"),
]
VILLAGE_SUFFIXES = [
    ("pur", "पुर"),
    ("pura", "पुरा"),
    ("khedi", "खेड़ी"),
    ("kheda", "खेड़ा"),
    ("gaon", "गांव"),
    ("garh", "गढ़"),
    ("ganj", "गंज"),
    ("wada", "वाड़ा"),
    ("nagar", "नगर"),
    ("tola", "टोला"),
    ("pani", "पानी"),
    ("dih", "डीह"),
]
# Names that stand on their own, usually after a tree or a pond.
WHOLE_VILLAGE_NAMES = [
    ("Piplia", "पिपलिया"),
    ("Barkheda", "बरखेड़ा"),
    ("Semri", "सेमरी"),
    ("Khajuri", "खजूरी"),
    ("Bamori", "बमोरी"),
    ("Amkhera", "आमखेड़ा"),
    ("Imliya", "इमलिया"),
    ("Talawali", "तलावली"),
    ("Jamuniya", "जामुनिया"),
    ("Bichhiya", "बिछिया"),
    ("Kanera", "कनेरा"),
    ("Sonkatch", "सोनकच्छ"),
]
# Two villages of one name are told apart as the big and the small one.
VILLAGE_QUALIFIERS = [("Kalan", "कलां"), ("Khurd", "खुर्द")]

MALE_NAMES = [
    "Ramesh", "Suresh", "Mahesh", "Rajesh", "Dinesh", "Mukesh", "Santosh", "Anil", "Sunil",
    "Manoj", "Rakesh", "Vinod", "Ashok", "Kamal", "Pradeep", "Sanjay", "Rajendra", "Mohan",
    "Hemant", "Devendra", "Narendra", "Gopal", "Bharat", "Shailendra", "Ravi", "Arvind",
]  # fmt: skip
FEMALE_NAMES = [
    "Sunita", "Anita", "Kavita", "Rekha", "Seema", "Meena", "Geeta", "Usha", "Asha", "Pooja",
    "Mamta", "Sarita", "Neelam", "Pushpa", "Kiran", "Rashmi", "Shobha", "Savita", "Jyoti",
    "Lata", "Sangeeta", "Preeti", "Archana", "Vandana", "Manju", "Nirmala",
]  # fmt: skip
SURNAMES = [
    "Sharma", "Verma", "Yadav", "Patel", "Sahu", "Tiwari", "Mishra", "Dubey", "Shukla",
    "Pandey", "Chouhan", "Rajput", "Kushwaha", "Lodhi", "Meena", "Jain", "Thakur", "Malviya",
    "Ahirwar", "Rathore", "Parmar", "Uikey", "Markam", "Dhurve", "Maravi", "Bhuria", "Damor",
    "Solanki", "Raghuvanshi", "Choudhary", "Soni", "Namdev", "Prajapati", "Gupta",
]  # fmt: skip

# The name a school goes by in the district office: English abbreviation, Hindi abbreviation.
SCHOOL_KIND: dict[int, tuple[str, str]] = {
    Category.PRIMARY: ("GPS", "शा.प्रा.शा."),
    Category.PRIMARY_MIDDLE: ("GMS", "शा.मा.शा."),
    Category.MIDDLE: ("GMS", "शा.मा.शा."),
    Category.HIGH: ("GHS", "शा.हाई.स्कू."),
    Category.PRIMARY_TO_HIGH: ("GHS", "शा.हाई.स्कू."),
    Category.MIDDLE_HIGH: ("GHS", "शा.हाई.स्कू."),
    Category.HIGH_HIGHER_SECONDARY: ("GHSS", "शा.उ.मा.वि."),
    Category.PRIMARY_TO_HIGHER_SECONDARY: ("GHSS", "शा.उ.मा.वि."),
    Category.MIDDLE_TO_HIGHER_SECONDARY: ("GHSS", "शा.उ.मा.वि."),
    Category.HIGHER_SECONDARY: ("GHSS", "शा.उ.मा.वि."),
}


def village_name(rng: random.Random) -> tuple[str, str]:
    """A village's (English, Hindi) name."""
    if rng.random() < 0.25:
        en, hi = rng.choice(WHOLE_VILLAGE_NAMES)
    else:
        (stem_en, stem_hi), (suffix_en, suffix_hi) = (
            rng.choice(VILLAGE_STEMS),
            rng.choice(VILLAGE_SUFFIXES),
        )
        en, hi = stem_en + suffix_en, stem_hi + suffix_hi
    if rng.random() < 0.1:
        qualifier_en, qualifier_hi = rng.choice(VILLAGE_QUALIFIERS)
        en, hi = f"{en} {qualifier_en}", f"{hi} {qualifier_hi}"
    return en, hi


def school_name(category: int, village: tuple[str, str], number_in_village: int) -> tuple[str, str]:
    """ "GPS Rampur" / "शा.प्रा.शा. रामपुर"; a second school of the same kind is "No. 2"."""
    kind_en, kind_hi = SCHOOL_KIND[category]
    en, hi = f"{kind_en} {village[0]}", f"{kind_hi} {village[1]}"
    if number_in_village > 1:
        en, hi = f"{en} No. {number_in_village}", f"{hi} क्र. {number_in_village}"
    return en, hi


def person_name(rng: random.Random) -> str:
    first = rng.choice(FEMALE_NAMES if rng.random() < 0.45 else MALE_NAMES)
    return f"{first} {rng.choice(SURNAMES)}"


# Children's names (the register's), by gender; a third-gender child takes either.
BOY_NAMES = [
    "Aarav", "Ankit", "Aman", "Abhishek", "Aditya", "Akash", "Arjun", "Ayush", "Deepak",
    "Dev", "Gaurav", "Harsh", "Himanshu", "Karan", "Kartik", "Krishna", "Kunal", "Mayank",
    "Nitin", "Pawan", "Prince", "Rahul", "Rohit", "Sachin", "Sahil", "Shivam", "Sonu",
    "Sumit", "Tarun", "Vikas", "Vishal", "Yash", "Lakhan", "Bhola", "Raju", "Dilip",
]  # fmt: skip
GIRL_NAMES = [
    "Aarti", "Anjali", "Ankita", "Bhavna", "Deepika", "Divya", "Khushi", "Komal", "Kajal",
    "Laxmi", "Madhu", "Muskan", "Neha", "Nisha", "Pooja", "Priya", "Radha", "Rani", "Riya",
    "Sakshi", "Sapna", "Shivani", "Simran", "Sonam", "Tanu", "Varsha", "Ritu", "Payal",
    "Rinki", "Sarita", "Durga", "Parvati", "Manisha", "Kiran", "Babli", "Sheela",
]  # fmt: skip


def child_name(rng: random.Random, gender: str) -> str:
    """A child's name: "M" a boy's, "F" a girl's, "T" either."""
    names = (
        BOY_NAMES
        if gender == "M"
        else GIRL_NAMES
        if gender == "F"
        else rng.choice((BOY_NAMES, GIRL_NAMES))
    )
    return f"{rng.choice(names)} {rng.choice(SURNAMES)}"
