"""Word lists and per-country facts the demo world is built from (data only, no logic).

Everything here is invented or generic geography; no real company is described.
"""

from __future__ import annotations

INDUSTRIES: tuple[str, ...] = (
    "manufacturing",
    "logistics",
    "energy",
    "construction",
    "retail",
    "hospitality",
    "healthcare",
    "software",
    "finance",
    "public_sector",
)

# Category labels the sources print for each industry (first one is the most common).
CATEGORY_LABELS: dict[str, tuple[str, ...]] = {
    "manufacturing": (
        "Industrial Machinery",
        "Precision Engineering",
        "Metal Fabrication",
        "Plastics & Composites",
        "Automation & Robotics",
        "Food Processing Equipment",
    ),
    "logistics": (
        "Freight & Haulage",
        "Warehousing & Storage",
        "Courier & Express",
        "Freight Forwarding",
        "Cold Chain Logistics",
    ),
    "energy": (
        "Renewable Energy",
        "Power Generation",
        "Gas Supply",
        "Energy Storage",
        "Electricity Supply",
    ),
    "construction": (
        "Building Contractors",
        "Civil Engineering",
        "Roofing & Cladding",
        "Scaffolding",
        "Demolition",
    ),
    "retail": ("Retail", "Wholesale Distribution", "Office Supplies", "Garden Centres"),
    "hospitality": ("Hotels", "Catering Services", "Restaurants", "Guest Houses"),
    "healthcare": ("Medical Practices", "Care Homes", "Clinics", "Dental Practices"),
    "software": ("Software Development", "IT Services", "Cloud Hosting", "Cyber Security"),
    "finance": ("Banking", "Insurance Brokers", "Financial Advisers", "Wealth Management"),
    "public_sector": ("Local Government", "Public Agency", "NHS & Hospitals", "Public Schools",
                      "Public Transport", "Public Utility", "Public Water Supply"),
}

# What each category label is, as a NACE Rev. 2 code: the demo world's truth for industry
# classification (a company's first category is what it does). The words of each industry stay
# inside one NACE section (an energy firm supplies energy, D; a finance firm is no accountant,
# which would be M). Public buyers are what they do: a hospital is health (Q), a school district
# education (P), a transit authority transport (H); only administrations are section O.
CATEGORY_NACE: dict[str, str] = {
    "Industrial Machinery": "28", "Precision Engineering": "25.62", "Metal Fabrication": "25",
    "Plastics & Composites": "22", "Automation & Robotics": "28",
    "Food Processing Equipment": "28.93",
    "Freight & Haulage": "49.41", "Warehousing & Storage": "52.10", "Courier & Express": "53.20",
    "Freight Forwarding": "52.29", "Cold Chain Logistics": "52.10",
    "Renewable Energy": "35.11", "Power Generation": "35.11", "Gas Supply": "35.2",
    "Energy Storage": "35", "Electricity Supply": "35.1",
    "Building Contractors": "41.20", "Civil Engineering": "42", "Roofing & Cladding": "43.91",
    "Scaffolding": "43.99", "Demolition": "43.11",
    "Retail": "47", "Wholesale Distribution": "46", "Office Supplies": "47.62",
    "Garden Centres": "47.76",
    "Hotels": "55.10", "Catering Services": "56.21", "Restaurants": "56.10",
    "Guest Houses": "55.10",
    "Medical Practices": "86.2", "Care Homes": "87", "Clinics": "86",
    "Dental Practices": "86.23",
    "Software Development": "62.01", "IT Services": "62", "Cloud Hosting": "63.11",
    "Cyber Security": "62",
    "Banking": "64.19", "Insurance Brokers": "66.22", "Financial Advisers": "66.19",
    "Wealth Management": "66.30",
    "Local Government": "84.11", "Public Agency": "84", "NHS & Hospitals": "86.10",
    "Public Schools": "85", "Public Transport": "49.31", "Public Utility": "35",
    "Public Water Supply": "36.00",
}

# Words in names, per industry (English; German/Dutch/Malay variants below).
INDUSTRY_NOUNS: dict[str, tuple[str, ...]] = {
    "manufacturing": ("Engineering", "Manufacturing", "Fabrications", "Machining", "Industries",
                      "Components", "Tooling", "Plastics", "Automation", "Metalworks"),
    "logistics": ("Logistics", "Freight", "Haulage", "Transport", "Distribution", "Shipping",
                  "Warehousing", "Forwarding"),
    "energy": ("Energy", "Power", "Solar", "Renewables", "Wind", "Utilities", "Electrical"),
    "construction": ("Construction", "Builders", "Contractors", "Civil Engineering", "Roofing",
                     "Developments"),
    "retail": ("Retail", "Stores", "Trading", "Supplies", "Wholesale", "Merchants"),
    "hospitality": ("Hotels", "Catering", "Hospitality", "Inns", "Restaurants"),
    "healthcare": ("Healthcare", "Medical", "Care", "Diagnostics", "Clinics"),
    "software": ("Software", "Systems", "Digital", "Technologies", "Data", "Labs"),
    "finance": ("Finance", "Capital", "Wealth Management", "Insurance Brokers", "Advisory"),
}

INDUSTRY_NOUNS_DE: dict[str, tuple[str, ...]] = {
    "manufacturing": ("Maschinenbau", "Metallbau", "Präzisionstechnik", "Kunststofftechnik",
                      "Antriebstechnik", "Werkzeugbau"),
    "logistics": ("Logistik", "Spedition", "Transporte", "Lagerlogistik"),
    "energy": ("Energie", "Solartechnik", "Windkraft", "Energieversorgung", "Stadtwerke Service"),
    "construction": ("Bau", "Hochbau", "Tiefbau", "Bauunternehmung", "Dachtechnik"),
    "retail": ("Handel", "Großhandel", "Warenhaus", "Vertrieb"),
    "hospitality": ("Hotelbetriebe", "Gastronomie", "Catering"),
    "healthcare": ("Praxisklinik", "Pflegedienste", "Gesundheitszentrum"),
    "software": ("Software", "Informatik", "Systemhaus", "Datentechnik"),
    "finance": ("Finanzberatung", "Vermögensverwaltung", "Versicherungsmakler"),
}

INDUSTRY_NOUNS_NL: dict[str, tuple[str, ...]] = {
    "manufacturing": ("Machinebouw", "Metaalbewerking", "Techniek", "Kunststoffen"),
    "logistics": ("Transport", "Logistiek", "Expeditie", "Opslag"),
    "energy": ("Energie", "Zonnetechniek", "Windenergie", "Energievoorziening"),
    "construction": ("Bouw", "Aannemersbedrijf", "Bouwgroep", "Dakwerken"),
    "retail": ("Handel", "Groothandel", "Winkels"),
    "hospitality": ("Horeca", "Hotels", "Catering"),
    "healthcare": ("Zorg", "Medisch Centrum", "Klinieken"),
    "software": ("Software", "ICT", "Automatisering"),
    "finance": ("Financieel Advies", "Vermogensbeheer", "Verzekeringen"),
}

DESCRIPTORS: tuple[str, ...] = (
    "Precision", "Advanced", "Integrated", "United", "Allied", "Premier", "General", "Global",
    "International", "Applied", "Dynamic", "Modern", "Coastal", "Central", "Northern", "Western",
    "Eastern", "Southern", "Standard", "Specialist", "Quality", "Total", "Express", "Heritage",
    "Summit", "Apex", "Pioneer", "Vanguard", "Keystone", "Sterling",
)

# Invented place-like name stems: prefix + suffix gives ~2,000 distinct stems.
STEM_PREFIX: tuple[str, ...] = (
    "North", "South", "East", "West", "Ash", "Oak", "Elm", "Birch", "Stone", "Iron", "Silver",
    "Gold", "Red", "Black", "White", "Green", "Brook", "Mill", "Bridge", "Castle", "Kings",
    "Queens", "Fair", "High", "Long", "Broad", "Clear", "Bright", "Wood", "Marsh", "Hart",
    "Lark", "Raven", "Fox", "Wolf", "Hawk", "Thorn", "Holly", "Rose", "Wey", "Tyne", "Avon",
    "Severn", "Mersey", "Clyde", "Trent", "Calder", "Derwent",
)
STEM_SUFFIX: tuple[str, ...] = (
    "bridge", "field", "wood", "ford", "gate", "stone", "water", "brook", "haven", "ridge",
    "vale", "wick", "mere", "leigh", "worth", "ton", "bury", "port", "dale", "moor", "combe",
    "hurst", "cliffe", "stead", "well", "holme", "marsh", "lands", "view", "point", "side",
    "crest", "star", "line", "mark", "way", "works", "peak", "shire", "gill",
)

STEM_DE: tuple[str, ...] = (
    "Nord", "Süd", "Ost", "West", "Rhein", "Main", "Elbe", "Isar", "Alpen", "Hansa", "Stahl",
    "Eisen", "Blau", "Grün", "Adler", "Falken", "Berg", "Tal", "Wald", "Linden", "Eichen",
    "Sonnen", "Stern", "Kronen", "Brücken",
)
STEM_DE_SUFFIX: tuple[str, ...] = (
    "werk", "tec", "bau", "hof", "berg", "feld", "stein", "licht", "kraft", "form", "wert",
    "mann", "land", "brunn", "au", "haus",
)

STEM_NL: tuple[str, ...] = (
    "Noord", "Zuid", "Oost", "West", "Polder", "Dijk", "Haven", "Molen", "Kade", "Delta",
    "Zee", "Rijn", "Maas", "Veen", "Duin",
)
STEM_NL_SUFFIX: tuple[str, ...] = (
    "stad", "land", "poort", "kant", "wijk", "veld", "hof", "burg", "berg", "zicht", "licht",
    "stroom",
)

STEM_MY: tuple[str, ...] = (
    "Sinar", "Jaya", "Maju", "Mutiara", "Cahaya", "Bintang", "Gemilang", "Makmur", "Setia",
    "Harmoni", "Permata", "Wawasan", "Teguh", "Bumi", "Intan", "Seri", "Mega", "Alam",
    "Nusantara", "Perdana", "Tiara", "Kencana",
)

SURNAMES: dict[str, tuple[str, ...]] = {
    "GB": ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
           "Patel", "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts",
           "Green", "Hall", "O'Neill", "Hughes", "Clarke", "Khan", "Murphy", "MacLeod"),
    "DE": ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
           "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
           "Schröder", "Neumann", "Schwarz", "Zimmermann", "Krüger", "Hartmann", "Weiß",
           "Groß"),
    "US": ("Johnson", "Miller", "Davis", "Garcia", "Rodriguez", "Martinez", "Anderson",
           "Thomas", "Jackson", "Harris", "Clark", "Lewis", "Lee", "Walker", "Young", "King",
           "Ibáñez", "Nuñez", "Kowalski", "Nguyen", "O'Brien", "Peña", "Sullivan", "Reyes"),
    "NL": ("de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen",
           "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos",
           "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer"),
    "MY": ("Tan", "Lim", "Lee", "Wong", "Ng", "Ong", "Chong", "Abdullah", "Ismail", "Ibrahim",
           "Rahman", "Hassan", "Kumar", "Raj", "Subramaniam", "Yusof", "Othman", "Chew",
           "Goh", "Teoh"),
}

GIVEN_NAMES: dict[str, tuple[str, ...]] = {
    "GB": ("James", "Oliver", "Harry", "George", "Sophie", "Emily", "Charlotte", "Amelia",
           "Siân", "Zoë", "Rhys", "Aoife", "Priya", "Mohammed", "Niamh", "Eilidh", "Callum",
           "Hannah", "Daniel", "Rachel"),
    "DE": ("Jürgen", "Jörg", "Björn", "Günther", "Stefan", "Andreas", "Katrin", "Sabine",
           "Anja", "Jürgen", "Lena", "Sören", "Maximilian", "Johanna", "Käthe", "Uwe", "Tobias",
           "Miriam", "Dörte", "Felix"),
    "US": ("Michael", "Jennifer", "David", "Sarah", "Robert", "Jessica", "José", "María",
           "Chris", "Ashley", "Kevin", "Laura", "Andrés", "Renée", "Tyler", "Megan", "Brian",
           "Nicole", "Jamal", "Lucía"),
    "NL": ("Jan", "Pieter", "Sanne", "Anouk", "Daan", "Bram", "Femke", "Lotte", "Joost",
           "Maarten", "Eline", "Ruud", "Inge", "Sjoerd", "Chloë", "Thijs", "Noëlle", "Koen"),
    "MY": ("Ahmad", "Siti", "Nurul", "Mohd", "Wei Ling", "Kah Meng", "Mei Ling", "Kavitha",
           "Arjun", "Farah", "Hafiz", "Aisyah", "Jun Hao", "Li Ying", "Rajesh", "Nor Azura",
           "Zulkifli", "Shu Fen"),
}

ROLES: tuple[str, ...] = (
    "Managing Director", "Sales Director", "Head of Operations", "Operations Manager",
    "Procurement Manager", "Business Development Manager", "Chief Executive Officer",
    "Finance Director", "Technical Director", "Plant Manager", "Key Account Manager",
    "Head of Maintenance",
)
ROLES_DE: tuple[str, ...] = (
    "Geschäftsführer", "Geschäftsführerin", "Vertriebsleiter", "Leiterin Einkauf",
    "Technischer Leiter", "Prokurist", "Leiter Instandhaltung",
)

# Per-country facts: legal forms (canonical -> variants seen in the wild), cities with
# area code / subscriber length / allowed first digits (chosen so that every generated number is
# valid for phonenumbers), postcode shape and streets.
LEGAL_FORMS: dict[str, tuple[tuple[str, float], ...]] = {
    "GB": (("Ltd", 0.86), ("Limited", 0.0), ("PLC", 0.06), ("LLP", 0.08)),
    "DE": (("GmbH", 0.82), ("AG", 0.08), ("GmbH & Co. KG", 0.10)),
    "MY": (("Sdn Bhd", 0.9), ("Berhad", 0.1)),
    "US": (("LLC", 0.55), ("Inc.", 0.4), ("Corp.", 0.05)),
    "NL": (("B.V.", 0.93), ("N.V.", 0.07)),
}

LEGAL_VARIANTS: dict[str, tuple[str, ...]] = {
    "Ltd": ("Ltd", "Limited", "LTD.", "Ltd.", "LTD", "limited"),
    "Limited": ("Limited", "Ltd", "LIMITED"),
    "PLC": ("PLC", "plc", "P.L.C.", "Public Limited Company"),
    "LLP": ("LLP", "L.L.P."),
    "GmbH": ("GmbH", "Gmbh", "GMBH", "G.m.b.H.", "gmbh"),
    "AG": ("AG", "Aktiengesellschaft", "A.G."),
    "GmbH & Co. KG": ("GmbH & Co. KG", "GmbH & Co KG", "GMBH & CO. KG", "GmbH u. Co. KG"),
    "Sdn Bhd": ("Sdn Bhd", "Sdn. Bhd.", "SDN BHD", "SDN. BHD.", "Sdn.Bhd."),
    "Berhad": ("Berhad", "Bhd", "BHD", "Bhd."),
    "LLC": ("LLC", "L.L.C.", "llc", "Llc"),
    "Inc.": ("Inc.", "Inc", "INC", "Incorporated"),
    "Corp.": ("Corp.", "Corporation", "Corp", "CORP"),
    "B.V.": ("B.V.", "BV", "b.v.", "B.V"),
    "N.V.": ("N.V.", "NV", "n.v."),
}

ABBREVIATIONS: dict[str, str] = {
    "International": "Intl",
    "Engineering": "Eng.",
    "Manufacturing": "Mfg",
    "Services": "Svcs",
    "Technologies": "Tech",
    "Industries": "Ind.",
    "Distribution": "Dist.",
    "Construction": "Constr.",
    "Company": "Co.",
    "Brothers": "Bros.",
    "Maschinenbau": "Masch.-Bau",
    "Logistics": "Logistic",
    "Systems": "Sys.",
    "and": "&",
    "&": "and",
}

COUNTRIES: dict[str, dict] = {
    "GB": {
        "name": "United Kingdom",
        "weight": 0.34,
        "dial": "44",
        "tld": "co.uk",
        "currency": "GBP",
        "cities": (
            # city, region, area code, subscriber digits, allowed first digits, postcode areas
            ("London", "Greater London", "20", 8, "37", ("EC1V", "E14", "SE1", "N7", "W3")),
            ("Manchester", "Greater Manchester", "161", 7, "2345689", ("M1", "M4", "M17")),
            ("Leeds", "West Yorkshire", "113", 7, "2345", ("LS1", "LS10", "LS11")),
            ("Birmingham", "West Midlands", "121", 7, "234567", ("B1", "B6", "B18")),
            ("Bristol", "Bristol", "117", 7, "234", ("BS1", "BS2", "BS11")),
            ("Glasgow", "Scotland", "141", 7, "2345689", ("G1", "G2", "G51")),
            ("Sheffield", "South Yorkshire", "114", 7, "2345", ("S1", "S9", "S3")),
        ),
        "streets": ("Station Road", "Mill Lane", "Victoria Street", "Canal Wharf",
                    "Riverside Way", "Church Street", "Park Road", "Albert Road",
                    "Industrial Estate Road", "Commerce Way", "Enterprise Park",
                    "Brunel Close", "Sovereign Court", "Wharf Street"),
    },
    "DE": {
        "name": "Germany",
        "weight": 0.20,
        "dial": "49",
        "tld": "de",
        "currency": "EUR",
        "cities": (
            ("Berlin", "Berlin", "30", 8, "123456789", ("10115", "10245", "12099", "13353")),
            ("München", "Bayern", "89", 8, "123456789", ("80331", "80939", "81249")),
            ("Hamburg", "Hamburg", "40", 8, "123456789", ("20095", "21079", "22525")),
            ("Köln", "Nordrhein-Westfalen", "221", 7, "123456789", ("50667", "50829", "51105")),
            ("Stuttgart", "Baden-Württemberg", "711", 7, "123456789", ("70173", "70565")),
            ("Düsseldorf", "Nordrhein-Westfalen", "211", 7, "123456789", ("40213", "40472")),
            ("Frankfurt am Main", "Hessen", "69", 8, "123456789", ("60311", "60386", "65933")),
        ),
        "streets": ("Industriestraße", "Hauptstraße", "Am Hafen", "Gewerbepark Süd",
                    "Bahnhofstraße", "Schillerstraße", "Werkstraße", "Lindenallee",
                    "Robert-Bosch-Straße", "Carl-Zeiss-Ring", "Mühlenweg", "Kanalstraße"),
    },
    "US": {
        "name": "United States",
        "weight": 0.20,
        "dial": "1",
        "tld": "com",
        "currency": "USD",
        "cities": (
            ("Chicago", "IL", "312", 7, "23456789", ("60601", "60607", "60616")),
            ("Houston", "TX", "713", 7, "23456789", ("77002", "77011", "77029")),
            ("Columbus", "OH", "614", 7, "23456789", ("43215", "43219", "43228")),
            ("Detroit", "MI", "313", 7, "23456789", ("48201", "48209", "48226")),
            ("Pittsburgh", "PA", "412", 7, "23456789", ("15201", "15222", "15233")),
            ("Atlanta", "GA", "404", 7, "23456789", ("30303", "30318", "30336")),
            ("Seattle", "WA", "206", 7, "23456789", ("98101", "98108", "98134")),
        ),
        "streets": ("Industrial Pkwy", "Commerce Drive", "Main Street", "Lake Street",
                    "Harbor Boulevard", "Enterprise Avenue", "Oak Street", "Technology Drive",
                    "Market Street", "Railroad Avenue", "Manufacturers Road", "Riverside Drive"),
    },
    "NL": {
        "name": "Netherlands",
        "weight": 0.12,
        "dial": "31",
        "tld": "nl",
        "currency": "EUR",
        "cities": (
            ("Amsterdam", "Noord-Holland", "20", 7, "123456789", ("1011", "1043", "1097")),
            ("Rotterdam", "Zuid-Holland", "10", 7, "123456789", ("3011", "3044", "3089")),
            ("Eindhoven", "Noord-Brabant", "40", 7, "123456789", ("5611", "5627", "5652")),
            ("Utrecht", "Utrecht", "30", 7, "123456789", ("3511", "3526", "3542")),
            ("Den Haag", "Zuid-Holland", "70", 7, "123456789", ("2511", "2521", "2544")),
        ),
        "streets": ("Havenweg", "Industrieweg", "Kanaalstraat", "Stationsplein",
                    "Energieweg", "Nijverheidsstraat", "Dorpsstraat", "Marconistraat",
                    "Transportweg", "Keizersgracht"),
    },
    "MY": {
        "name": "Malaysia",
        "weight": 0.14,
        "dial": "60",
        "tld": "com.my",
        "currency": "MYR",
        "cities": (
            ("Kuala Lumpur", "Wilayah Persekutuan", "3", 8, "8", ("50450", "52100", "57000")),
            ("Shah Alam", "Selangor", "3", 8, "8", ("40000", "40150", "40460")),
            ("George Town", "Pulau Pinang", "4", 7, "34567", ("10050", "10200", "11900")),
            ("Johor Bahru", "Johor", "7", 7, "25", ("80000", "80300", "81200")),
            ("Ipoh", "Perak", "5", 7, "34", ("30000", "30100", "31400")),
        ),
        "streets": ("Jalan Perusahaan", "Jalan Industri", "Jalan Teknologi", "Jalan Utama",
                    "Persiaran Perdana", "Jalan Pelabuhan", "Lorong Perindustrian",
                    "Jalan Sultan Ismail", "Jalan Tun Razak", "Jalan Kilang"),
    },
}

REGISTRY_SCHEME: dict[str, str] = {
    "GB": "GB-COH",
    "DE": "DE-CR",
    "US": "US-EIN",
    "NL": "NL-KVK",
    "MY": "MY-SSM",
}

BUYER_KINDS: dict[str, tuple[tuple[str, str], ...]] = {
    # (name pattern, category label); {place} is a city or an invented county.
    "GB": (("{place} City Council", "Local Government"),
           ("{county} County Council", "Local Government"),
           ("{place} University Hospitals NHS Foundation Trust", "NHS & Hospitals"),
           ("{county} Fire and Rescue Service", "Public Agency"),
           ("{county} Water Authority", "Public Water Supply")),
    "DE": (("Stadt {place}", "Local Government"),
           ("Landkreis {county}", "Local Government"),
           ("Universitätsklinikum {place}", "NHS & Hospitals"),
           ("Stadtwerke {place}", "Public Utility"),
           ("Landesbetrieb Straßenbau {county}", "Public Agency")),
    "US": (("City of {place}", "Local Government"),
           ("{county} County", "Local Government"),
           ("{place} Regional Medical Center", "NHS & Hospitals"),
           ("{county} Transit Authority", "Public Transport"),
           ("{place} Public Schools", "Public Schools")),
    "NL": (("Gemeente {place}", "Local Government"),
           ("Provincie {county}", "Local Government"),
           ("Ziekenhuis {place}", "NHS & Hospitals"),
           ("Waterschap {county}", "Public Agency")),
    "MY": (("Majlis Bandaraya {place}", "Local Government"),
           ("Hospital {place}", "NHS & Hospitals"),
           ("Lembaga Air {county}", "Public Water Supply"),
           ("Jabatan Kerja Raya {county}", "Public Agency")),
}

BUYER_IDENTIFIER_SCHEME: dict[str, str] = {
    "GB": "GB-GOR",
    "DE": "DE-PR",
    "US": "US-SAM",
    "NL": "NL-OIN",
    "MY": "MY-GOV",
}

ACCREDITATIONS: tuple[str, ...] = (
    "ISO 9001:2015",
    "ISO 14001:2015",
    "ISO 45001:2018",
    "ISO 27001:2022",
    "Cyber Essentials Plus",
    "Constructionline Gold",
    "Investors in People",
    "EcoVadis Silver",
)

# CPV divisions (code, description, the supplier industries that win them).
CPV: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("48000000", "Software package and information systems", ("software",)),
    ("72000000", "IT services: consulting, software development, Internet and support",
     ("software",)),
    ("42000000", "Industrial machinery", ("manufacturing",)),
    ("50000000", "Repair and maintenance services", ("manufacturing", "energy", "construction")),
    ("45000000", "Construction work", ("construction",)),
    ("44000000", "Construction structures and materials; auxiliary products to construction",
     ("construction", "manufacturing")),
    ("34000000", "Transport equipment and auxiliary products to transportation",
     ("manufacturing", "logistics")),
    ("60000000", "Transport services (excl. Waste transport)", ("logistics",)),
    ("63000000", "Supporting and auxiliary transport services; travel agencies services",
     ("logistics",)),
    ("09000000", "Petroleum products, fuel, electricity and other sources of energy",
     ("energy",)),
    ("65000000", "Public utilities", ("energy",)),
    ("31000000", "Electrical machinery, apparatus, equipment and consumables; lighting",
     ("energy", "manufacturing")),
    ("33000000", "Medical equipments, pharmaceuticals and personal care products",
     ("healthcare",)),
    ("85000000", "Health and social work services", ("healthcare",)),
    ("55000000", "Hotel, restaurant and retail trade services", ("hospitality",)),
    ("30000000", "Office and computing machinery, equipment and supplies",
     ("retail", "software")),
    ("39000000", "Furniture; furnishings, domestic appliances and cleaning products",
     ("retail",)),
    ("66000000", "Financial and insurance services", ("finance",)),
    ("79000000", "Business services: law, marketing, consulting, recruitment, printing",
     ("finance", "software")),
)

TENDER_TITLES: dict[str, tuple[str, ...]] = {
    "48": ("Asset management software", "Computerised maintenance management system (CMMS)",
           "Fleet telematics platform", "Building management system software"),
    "72": ("IT support and managed services", "Data platform development",
           "Cyber security monitoring services", "IoT sensor network integration"),
    "42": ("Supply of industrial pumps", "Workshop machinery replacement",
           "Conveyor systems for depot", "Compressors and pneumatic equipment"),
    "50": ("Planned preventive maintenance of plant", "Repair of HVAC equipment",
           "Maintenance of lifts and escalators", "Servicing of generators"),
    "45": ("Refurbishment of depot buildings", "Highway resurfacing programme",
           "New-build primary school", "Flood defence works"),
    "44": ("Supply of steel structures", "Road signs and street furniture"),
    "34": ("Supply of refuse collection vehicles", "Electric van fleet"),
    "60": ("Home-to-school transport", "Freight and haulage framework"),
    "63": ("Warehousing and storage services", "Port handling services"),
    "09": ("Supply of electricity", "Solar PV on council buildings"),
    "65": ("Water utility services", "District heating operation"),
    "31": ("LED street lighting upgrade", "Electrical installation materials"),
    "33": ("Supply of medical consumables", "Diagnostic imaging equipment"),
    "85": ("Domiciliary care services", "Occupational health services"),
    "55": ("Catering services for schools", "Conference venue hire"),
    "30": ("Laptops and peripherals", "Office supplies framework"),
    "39": ("Office furniture", "Cleaning products"),
    "66": ("Insurance services", "Banking services"),
    "79": ("Recruitment services", "Print and design services"),
}
