"""Table-driven test of the personal-data guard (issue 14): real-looking texts from EST reports,
police summaries and meeting notes. Every positive must be found with the right kind, every
negative must give no finding at all, and the guard stays fast on hostile input."""

import time

import pytest

from trygg.privacy import find_personal_data
from trygg.privacy.guard import TextTooLong

# Valid personal identity numbers (date + Luhn check digit), written in the ways people write them.
PNRS = ["811218-9876", "900101-1239", "750615-2342", "021130-4563", "880808-1114", "950317-2224",
        "010704-3333", "450912-4444", "120203-5554", "990531-6668", "730422-7775", "480325-5670"]


def _variants(pnr: str) -> list[str]:
    d, n = pnr.split("-")
    century = "19" if int(d[:2]) > 30 else "20"
    return [
        f"Anmälaren har personnummer {pnr}.",
        f"pnr {d}{n} enligt kollegan",
        f"pnr-{d}-{n} noterat",
        f"Personen ({century}{d}-{n}) sågs vid torget",
        f"{century}{d}{n} stod på lappen",
        f"id {d}\u2013{n} (med tankstreck)",
        f"{d[:2]} {d[2:4]} {d[4:]}-{n} uppgav vakten",
        f"{d} - {n}",
    ]


POSITIVE = [(text, "personnummer") for p in PNRS for text in _variants(p)]  # 96
POSITIVE += [
    ("samordningsnr 701063-2391", "samordningsnummer"),
    ("Personen har samordningsnummer 850472-1187", "samordningsnummer"),
    ("snr 19991161-2340", "samordningsnummer"),
    ("030161-4566 lämnades i receptionen", "samordningsnummer"),
    ("811218+9876 (över hundra år)", "personnummer"),
    ("Ring 070-123 45 67 om du ser något", "phone"),
    ("Kontakt: 0701234567", "phone"),
    ("mobil 070/123 45 67", "phone"),
    ("tel (070) 123 45 67", "phone"),
    ("+46-70-123-45-67 till vaktbolaget", "phone"),
    ("+46 70 123 45 67", "phone"),
    ("0046 70 123 45 67", "phone"),
    ("fastighetsskötaren nås på 073-987 65 43", "phone"),
    ("076 555 12 34 svarar dygnet runt", "phone"),
    ("ring 072-345 67 89 efter kl 17", "phone"),
    ("växeln 031-123 45 67", "phone"),
    ("+46 31 123 45 67", "phone"),
    ("Stockholmskontoret 08-123 456 78", "phone"),
    ("Malmö 040-12 34 56", "phone"),
    ("vakten: 031 - 765 43 21", "phone"),
    ("Ring boende på 0709-12 34 56", "phone"),
    ("Mejla a.b@example.se", "email"),
    ("kontakt: fornamn.efternamn@goteborg.se", "email"),
    ("skicka till vakt+est@bostadsbolaget.example.com i dag", "email"),
    ("Meddela P.Svensson@polisen.se.", "email"),
    ("en vit bil ABC 123 stod på gräset", "registration"),
    ("bilen (XYZ 12A) körde iväg", "registration"),
    ("Reg.nr DEF456 parkerad vid skolan", "registration"),
    ("mopeden GHJ 78K utan förare", "registration"),
    ("Bil med nummer KLM 90P brann", "registration"),
    ("skåpbil NOP 345 vid containern", "registration"),
]

NEGATIVE = [
    "Klotter på 3 fasader, 120 m2",
    "Ärende 2024-05-12 kl 13",
    "Observerat 2025-06-12 1430",
    "2025-06-12 2025-06-13 två kvällar i rad",
    "2025-06-12 14:30 och 2025-06-13 08:00",
    "20250612 kl 14.30–15.45",
    "12 juni 2025 14:30-15:45",
    "Kvarter 201345",
    "811218-9875 (fel kontrollsiffra)",
    "660229-3455 (ingen skottdag 1966)",
    "991191-2344 (31 november finns inte)",
    "Polisens ärendenummer 5000-K123456-25",
    "Organisationsnummer 556677-8899",
    "424 37 Angered",
    "Hjällbovägen 12, port 3",
    "Buss 16 och spårvagn 11 stannar här",
    "E6 norrut stängd mellan 22 och 05",
    "Larmade 112 klockan 23",
    "Ring 114 14 för att tipsa polisen",
    "1177 Vårdguiden",
    "Säsongen 2024/25 och 2025/26",
    "Koordinater 57.7089, 11.9746",
    "ca 300-400 personer, 15 % fler än 2024",
    "v. 23 och v. 24",
    "Mellan 2019 2020 2021 2022 ökade det",
    "Kostade 2 500 kr att sanera",
    "SEK 500 i böter",
    "en svart BMW 320 parkerad",
    "abc 123 (gemener)",
    "Rum 1204, plan 3",
    "Lägenhet 1101 och 1102",
    "Tertial 1 2025: 45 rapporter",
    "Beslut 2025-03-01 § 12",
    "SFS 2023:196 om kommuners ansvar",
    "LPO 123 (internt nummer)",
    "Mätning 1 234 567 kronor budget",
    "Höjd 2,5 m, bredd 1,20 m",
    "Kl 07.45-08.15 samlades 12 ungdomar",
    "Adress: Storgatan 45B, 411 38 Göteborg",
    "IP-adress saknas, e-post saknas",
    "mejl till stadsområdet @ intranätet",
    "Hemsida https://goteborg.se/trygg",
    "Fönster 3x4 trasiga, 6x8 cm hål",
    "Grupp om 5-10 personer mellan 21-23",
    "ID-kort saknades inte",
    "Temperatur -12 grader",
    "Datum 2025-12-31 23:59",
    "Period 2024-01-01 – 2024-12-31",
    "Sjukfrånvaro 4,5 procent 2025",
    "Objekt 12345678 i fastighetsregistret",
    "Tidsstämpel 2025-06-12T14:30:00+02:00",
    "Fakturanummer 2025-0042",
    "Skola F-9 med 450 elever",
    "Vecka 2025-W23",
    "Postgiro? nej",
]


def test_the_table_is_big_enough():
    assert len(POSITIVE) >= 100 and len(NEGATIVE) >= 50


@pytest.mark.parametrize(("text", "kind"), POSITIVE)
def test_it_finds(text, kind):
    kinds = [f.kind for f in find_personal_data(text)]
    assert kind in kinds, (text, kinds)


@pytest.mark.parametrize("text", NEGATIVE)
def test_no_false_alarm(text):
    assert find_personal_data(text) == [], text


@pytest.mark.parametrize("hostile", ["x" * 19_999, "a@" * 9_999, "070 12 " * 2_800, "8" * 19_999,
                                     ("ABC 12" * 3_300)[:19_999]])
def test_hostile_text_under_the_cap_is_fast(hostile):
    t = time.perf_counter()
    find_personal_data(hostile)
    assert time.perf_counter() - t < 1.0


def test_a_megabyte_is_refused_at_once():
    t = time.perf_counter()
    with pytest.raises(TextTooLong):
        find_personal_data("x" * 1_000_000)
    assert time.perf_counter() - t < 0.1
