"""Shared pieces for the benchmarks: synthetic UK names, postcodes, statistics, machine info.

Only synthetic data: the names are common UK given and family names, combined at random.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import platform
import random
import statistics
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent


def _words(text: str) -> list[str]:
    return text.split()


# About 500 family names, roughly in order of frequency in England and Wales, with the mix of a
# large English town: English, Welsh, Scottish, Irish, South Asian, Polish, Caribbean, West and
# East African, Chinese and Vietnamese names, and some with apostrophes and hyphens.
FAMILY_NAMES = _words("""
Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson
Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin
Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips
Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey
Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams Singh
Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell Matthews
Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray
Dixon Harvey Graham Pearson Ahmed Fletcher Walsh Kaur Gibson Howard Andrews Stewart Elliott
Reynolds Saunders Payne Fox Ford Pearce Day Brooks West Lawrence Cole Atkinson Bradley Spencer
Gill Dawson Ball Burton O'Brien Watts Rose Booth Perry Ryan Grant Wells Armstrong Francis Rees
Hayes Hart Hudson Newman Barrett Webster Hunter Gregory Carr Lowe Page Marsh Riley Dunn Woods
Parsons Berry Stone Reid Holland Hawkins Harding Porter Robertson Newton Oliver Reed Kennedy
Williamson Bird Gardner Shah Dean Lane Cooke Bates Henderson Parry Burgess Bishop Walton Burns
Nicholson Shepherd Ross Cross Long Freeman Warren Nicholls Hamilton Byrne Sutton McDonald Yates
Hodgson Robson Curtis Hopkins O'Connor Harper Coleman Watkins Moss McCarthy Chambers Drake Kerr
Barton Jordan Jennings Dennis Pritchard Doyle Stephenson Holt Tucker Kirby Lambert Akhtar Nash
Wallace Hyde Rahman Iqbal Mahmood Chowdhury Uddin Miah Islam Sharma Kumar Mistry Chauhan Desai
Joshi Mehta Gallagher Quinn Doherty McLaughlin O'Neill O'Sullivan Brennan Nolan Fitzgerald
Kavanagh Flanagan Maguire Devlin Donnelly Duffy Farrell Fleming Hogan Keane Lynch Molloy Regan
MacLeod Mackenzie Fraser Cameron Ferguson Sinclair Munro Ramsay Buchanan Hamilton-Smith Crawford
Kerr Paterson Hutchinson Docherty Pugh Bowen Vaughan Howells Rowlands Prosser Llewellyn Griffin
Jenkinson Lamb Moran Barlow Steele Godfrey Whitehead Goodwin Kemp Rowe Norman Wilkins Hammond
Summers Knowles Slater Peacock Hancock Sanders Lucas Mann Dale Frost Sharp Fowler Bull Lord
Higgins Parkinson Morton Potter Bryant Cunningham Hewitt Read Howe Kent Cartwright Pollard
Briggs Gibbs Cullen Ingram Joyce Sheppard Hobbs Horton Jarvis Blake Flynn Glover Goddard Osborne
Price-Jones Lloyd-Williams Davies-Evans Smith-Jones Hughes-Parry Nowak Kowalski Wisniewski
Wojcik Kaminski Lewandowski Zielinski Szymanski Wozniak Dabrowski Kozlowski Jankowski Mazur
Krawczyk Popescu Ionescu Petrov Ivanova Kaya Yilmaz Demir Celik Rossi Russo Ferreira Silva
Santos Pereira Oliveira Costa Rodrigues Nguyen Tran Pham Chen Wong Li Zhang Wang Liu Huang Lin
Okafor Adeyemi Mensah Owusu Boateng Okonkwo Adebayo Oyelaran Babatunde Afolabi Ogunleye Eze
Nwosu Asante Appiah Osei Abdi Mohamed Hassan Osman Yusuf Farah Warsame Jama Ibrahim Abdullah
Hussein Malik Raza Butt Qureshi Siddiqui Anwar Aziz Bibi Nawaz Sheikh Mirza Haq Rashid Chaudhry
Bhatti Dar Akram Sultana Karim Hossain Sarkar Das Bose Ghosh Banerjee Mukherjee Chatterjee
Gupta Verma Jain Agarwal Reddy Rao Nair Menon Pillai Iyer Gounder Thakur Dhillon Sandhu Sidhu
Grewal Bains Johal Atwal Randhawa Gilbert Campbell-Brown Grant-Thomas Clarke-Bennett Forbes
Francis-Lewis Bailey-Scott Nelson Henry Charles Joseph Daley Samuels Gordon Bryan Bernard
Alexander Morrison Riley-Hart Chambers-Reid Lindsay Mullings Barrington Ferdinand Rowley Sealy
Blackwood Greenwood Haworth Heywood Sutcliffe Ackroyd Crowther Holroyd Barraclough Ramsden
Brook Thornton Hirst Broadbent Priestley Lockwood Haigh Mellor Senior Schofield Firth Tattersall
Pickles Bottomley Crossley Sykes Kaye Illingworth Hargreaves Birtwistle Entwistle Ashworth
Clegg Whittaker Ainsworth Duckworth Holden Kershaw Butterworth Ogden Pilling Rothwell Greenhalgh
Pemberton Tyldesley Unsworth Worthington Winstanley Fairclough Halliwell Catterall Sharples
Hesketh Gaskell Rigby Bamber Cowell Lowndes Dutton Bebbington Cheetham Hulme Bradshaw Royle
Whitworth Howarth Stott Kay Lord-Hill Marsden Travis Wolstenholme Openshaw Ormerod Nuttall
Cropper Lomax Barnett Hardy Connolly Whittle Tomlinson Gough Hutchings Abbott Hilton Blackburn
Parkin Atherton Horrocks Partington Haslam Hindle Leach Bolton Fielding Warburton Lees Platt
Cheshire Chadwick Heaton Bentley Buckley Cockburn Moorhouse Rhodes Sowerby Stansfield Swales
""")

MALE_GIVEN = _words("""
Oliver George Harry Noah Jack Leo Arthur Muhammad Oscar Charlie Jacob Thomas Henry William
Freddie Alfie Theo Archie Joshua James Alexander Isaac Max Ethan Lucas Finley Edward Logan Adam
Daniel Samuel Joseph Reggie Mason Sebastian Teddy Harrison Albie Elijah Tommy Hugo Louie Rory
Jaxon Dylan Toby Benjamin Zachary Riley Roman Jude Ronnie Ezra Luca Ellis Jenson Felix Arlo
David Michael John Paul Mark Andrew Stephen Richard Christopher Matthew Anthony Peter Robert
Darren Craig Lee Wayne Gary Dean Jason Scott Carl Neil Simon Kevin Ian Stuart Martin Graham
Jamie Ryan Liam Connor Callum Kieran Aaron Nathan Luke Bradley Jordan Reece Tyler Kyle Jake
Ibrahim Yusuf Ali Omar Hamza Ayaan Zain Bilal Imran Tariq Arjun Rohan Dev Krish Aryan Harjit
Gurpreet Rajesh Sanjay Jakub Kacper Szymon Filip Mateusz Tomasz Piotr Marek Andrei Bogdan
Kwame Kofi Chidi Emeka Tunde Femi Olu Abdi Ahmed Kareem Marcus Devon Tyrone Jermaine Andre Leon
Wei Jun Minh Duc Sean Declan Niall Patrick Cian Owen Rhys Dafydd Gethin Evan Angus Fraser Ewan
""")

FEMALE_GIVEN = _words("""
Olivia Amelia Isla Ava Ivy Freya Lily Florence Mia Willow Rosie Sophia Isabella Grace Daisy
Sienna Poppy Elsie Emily Ella Evelyn Phoebe Sofia Evie Charlotte Harper Millie Matilda Maya
Sophie Alice Emilia Isabelle Ruby Luna Maisie Aria Penelope Mila Bonnie Eva Hallie Eliza Ada
Violet Esme Arabella Imogen Jessica Delilah Thea Layla Margot Chloe Hannah Erin Orla Nancy
Sarah Emma Laura Rebecca Gemma Claire Nicola Lisa Michelle Kelly Donna Joanne Louise Helen
Rachel Amy Katie Kirsty Leanne Stacey Danielle Natalie Samantha Victoria Jennifer Karen Julie
Susan Tracey Dawn Angela Jacqueline Deborah Amanda Paula Sharon Wendy Lauren Megan Jade Chelsea
Courtney Shannon Abigail Bethany Holly Zara Aisha Fatima Maryam Amira Khadija Hafsa Zainab
Noor Ayesha Sana Priya Anjali Simran Harpreet Jaspreet Kiran Neha Pooja Zofia Julia Zuzanna
Maja Hanna Natalia Agnieszka Katarzyna Ioana Elena Maria Ana Chiamaka Ngozi Adaeze Ama Abena
Efua Amina Hodan Fartun Nia Jada Keisha Shanice Tanisha Mei Ling Linh Thu Siobhan Niamh Aoife
Ciara Roisin Sinead Bronwen Cerys Seren Eira Catriona Morag Kirsten
""")

ETHNICITIES = [
    ("WBRI", 70),
    ("WOTH", 6),
    ("WIRI", 1),
    ("MWBC", 2),
    ("MWAS", 1),
    ("MOTH", 1),
    ("AIND", 3),
    ("APKN", 4),
    ("ABAN", 2),
    ("AOTH", 1),
    ("BAFR", 3),
    ("BCRB", 1),
    ("CHNE", 1),
    ("OOTH", 1),
    ("NOBT", 3),
]

STREETS = _words("""
Church Station Victoria Park Mill Queen's King's High Manor Chapel School Albert Springfield
Grange Highfield Windsor York Orchard Meadow Beech Oak Elm Ash Willow Cedar Hawthorn Holly
Chestnut Sycamore Rowan Birch Maple Laurel Poplar Heath Moor Bridge Brook River Canal Wharf
Market Castle Abbey Priory Hall Farm Green Common Field Hill Valley Ridge Bank Cross Stone
""")
STREET_TYPES = ["Road", "Street", "Avenue", "Lane", "Close", "Drive", "Way", "Crescent", "Grove"]

# Postcode districts NB1..NB30 (BS 7666 valid: N in the first position, B in the second).
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def postcode_pool(rng: random.Random, count: int) -> list[str]:
    """`count` distinct, valid, synthetic Northbrook postcodes."""
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < count:
        code = (
            f"NB{rng.randint(1, 30)} {rng.randint(0, 9)}"
            f"{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
        )
        if code not in seen:
            seen.add(code)
            out.append(code)
    return out


def zipf_weights(n: int, exponent: float, offset: float = 10.0) -> list[float]:
    """Frequencies falling with rank: the first name on a list is the most common."""
    return [(rank + offset) ** -exponent for rank in range(1, n + 1)]


def nhs_check_digit(nine: str) -> int | None:
    """Modulus 11 check digit for nine digits; None when the number cannot be issued."""
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def misspell(name: str, rng: random.Random) -> str:
    """A typing mistake that keeps the first letter: swap, drop, double or change a letter."""
    letters = list(name)
    if len(letters) < 3:
        return name + name[-1]
    pos = rng.randint(1, len(letters) - 2) if len(letters) > 3 else 1
    kind = rng.choice(["swap", "drop", "double", "vowel"])
    if kind == "swap" and letters[pos] != letters[pos + 1]:
        letters[pos], letters[pos + 1] = letters[pos + 1], letters[pos]
    elif kind == "drop":
        del letters[pos]
    elif kind == "vowel" and letters[pos].lower() in "aeiou":
        letters[pos] = rng.choice([v for v in "aeiou" if v != letters[pos].lower()])
    else:
        letters.insert(pos, letters[pos])
    out = "".join(letters)
    return out if out.lower() != name.lower() else name + "e"


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    """p50 and p95 (nearest-rank), mean, min and max, in milliseconds, rounded."""
    ordered = sorted(samples_ms)
    n = len(ordered)

    def rank(p: float) -> float:
        return ordered[min(n - 1, max(0, math.ceil(p / 100 * n) - 1))]

    return {
        "n": n,
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(rank(95), 2),
        "mean_ms": round(statistics.fmean(ordered), 2),
        "min_ms": round(ordered[0], 2),
        "max_ms": round(ordered[-1], 2),
    }


def machine_info(connection) -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg_version = cur.fetchone()[0]
        cur.execute("SHOW shared_buffers")
        shared_buffers = cur.fetchone()[0]
        cur.execute("SHOW work_mem")
        work_mem = cur.fetchone()[0]
    import django

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": mem_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": pg_version,
        "postgresql_shared_buffers": shared_buffers,
        "postgresql_work_mem": work_mem,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def git_commit() -> dict:
    def run(*args: str) -> str:
        try:
            return subprocess.run(  # noqa: S603
                ["git", *args],  # noqa: S607
                cwd=REPO,
                capture_output=True,
                text=True,
                check=False,
            ).stdout.strip()
        except OSError:
            return ""

    return {
        "commit": run("rev-parse", "HEAD"),
        "working_tree_clean": run("status", "--porcelain", "--untracked-files=no") == "",
    }


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


# --------------------------------------------------------------------------------------------
# Database, Django and measuring: the scaffolding every PostgreSQL benchmark shares


def recreate_database(url: str, *, allow_any_name: bool) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if name in {"test", "postgres", "template0", "template1", ""} or (
        "bench" not in name and not allow_any_name
    ):
        raise SystemExit(
            f"Refusing to drop database {name!r}: give a database whose name contains 'bench'."
        )
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        conn.execute(drop.format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("CONTINUUM_ENV", "test")
    os.environ["DJANGO_SETTINGS_MODULE"] = "continuum.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import warnings

    import django

    # WhiteNoise warns that collectstatic has not been run; pages are measured, not assets.
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()


def analyse(*tables: str) -> float:
    """VACUUM (ANALYZE) the named tables, or the whole database; returns the seconds taken."""
    from django.db import connection

    t0 = time.perf_counter()
    raw = connection.connection
    autocommit = raw.autocommit
    raw.autocommit = True
    with raw.cursor() as cur:
        for statement in [f"VACUUM (ANALYZE) {t}" for t in tables] or ["VACUUM (ANALYZE)"]:
            cur.execute(statement)  # table names come from the scripts, not input
    raw.autocommit = autocommit
    return time.perf_counter() - t0


def cumulative(weights: list[float]) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


def ms_since(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000


class BackendCPU:
    """CPU time (user + system) the PostgreSQL backend serving this process has used, from /proc
    (so only when PostgreSQL runs on this machine). With this process's own CPU it gives what a
    request costs whatever else the shared machine is doing; wall-clock times there mostly
    measure the queue for a core. Clock ticks are coarse (10 ms), so only means over many
    requests are reported. Parallel query workers' CPU is not counted."""

    def __init__(self):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.path = Path(f"/proc/{cursor.fetchone()[0]}/stat")

    def ms(self) -> float | None:
        if not self.path.exists():
            return None
        fields = self.path.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def _cpu_ms(stat: Path, children: bool = False) -> float:
    fields = stat.read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime: children reaped
    return ticks * 1000 / os.sysconf("SC_CLK_TCK")


class ServerCPU:
    """CPU time every PostgreSQL process has used, from /proc (PostgreSQL on this machine
    only): the server's own (postmaster), its live children's (backends, background workers),
    and its children that have exited (a connection closed mid-measurement still counts). For
    work spread over more than one connection, where `BackendCPU` sees one. Other clients'
    work counts too, so measure on a quiet machine."""

    def __init__(self):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
        self.server = int(fields[1])  # the backend's parent: the postmaster

    def ms(self) -> float | None:
        root = Path(f"/proc/{self.server}/stat")
        if not root.exists():
            return None
        total = _cpu_ms(root, children=True)
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == self.server:
                    total += _cpu_ms(stat)
            except (OSError, IndexError, ValueError):  # exited while being read
                continue
        return total


def contention() -> dict:
    """How much of a core this process gets right now, and a database round trip: the machine is
    shared, so wall-clock figures are read against these."""
    from django.db import connection

    c0, t0 = time.thread_time(), time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i * i
    cpu_share = (time.thread_time() - c0) / (time.perf_counter() - t0)
    trips = []
    with connection.cursor() as cur:
        for _ in range(200):
            t0 = time.perf_counter()
            cur.execute("SELECT 1")
            cur.fetchone()
            trips.append(ms_since(t0))
    return {
        "cpu_share_of_one_core": round(cpu_share, 2),
        "select_1_round_trip_p50_ms": round(statistics.median(trips), 3),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def contention_rows(results: dict, filler: str) -> list[str]:
    """The "Machine (before/after)" rows of a results table: `filler` is the empty cells between
    the label and the note, e.g. "| | | | - |" for a table with that many columns."""
    rows = []
    for key in ("contention_before", "contention_after"):
        c = results[key]
        rows.append(
            f"| Machine ({key.split('_')[1]}) {filler} this process got "
            f"{c['cpu_share_of_one_core']:.0%} of a core; SELECT 1 round trip "
            f"{c['select_1_round_trip_p50_ms']} ms; load average {c['load_average'][0]} |"
        )
    return rows
