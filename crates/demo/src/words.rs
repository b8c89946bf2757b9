//! Static word lists: people, places, merchants and the bank's own vocabulary.

/// The demo bank whose contact centre is generated.
pub(crate) const BANK: &str = "Kestrel Bank";
/// The bank's handle on X and Instagram, and its Facebook page name.
pub(crate) const BANK_HANDLE: &str = "KestrelBank";

pub(crate) const AGENTS: &[&str] = &[
    "sam", "kim", "priya", "tom", "aisha", "ben", "chloe", "dev", "ellie", "farah", "george", "hana", "imran",
    "jess", "liam", "maya", "noah", "olu", "rosie", "zain",
];

/// Display names of [`AGENTS`], in the same order.
pub(crate) const AGENT_NAMES: &[&str] = &[
    "Sam", "Kim", "Priya", "Tom", "Aisha", "Ben", "Chloe", "Dev", "Ellie", "Farah", "George", "Hana", "Imran",
    "Jess", "Liam", "Maya", "Noah", "Olu", "Rosie", "Zain",
];

pub(crate) const QUEUES: &[&str] = &["cards", "payments", "mortgages", "digital", "fraud", "branches", "complaints"];

pub(crate) const FIRST_NAMES: &[&str] = &[
    "Oliver", "Amelia", "George", "Olivia", "Harry", "Isla", "Jack", "Ava", "Noah", "Emily", "Charlie", "Sophie",
    "Thomas", "Grace", "Jacob", "Mia", "Alfie", "Poppy", "Oscar", "Ella", "James", "Lily", "William", "Evie",
    "Muhammad", "Freya", "Leo", "Chloe", "Joshua", "Ruby", "Daniel", "Jessica", "Samuel", "Hannah", "Arthur",
    "Zara", "Mohammed", "Aisha", "Ethan", "Priya", "Rohan", "Anjali", "Kwame", "Ama", "Chidi", "Ngozi", "Tomasz",
    "Agnieszka", "Siobhan", "Niamh", "Ciaran", "Eilidh", "Callum", "Morag", "Rhys", "Carys", "Dylan", "Seren",
    "Fatima", "Yusuf", "Ibrahim", "Layla", "Hassan", "Mei", "Wei", "Hiroshi", "Sanjay", "Deepa", "Gurpreet",
    "Harjit", "Marcus", "Tyrone", "Shanice", "Andre", "Kofi", "Abena", "Stefan", "Elena", "Dimitri", "Sofia",
    "Patrick", "Bridget", "Graham", "Margaret", "Brian", "Susan", "Keith", "Pauline", "Derek", "Janet", "Trevor",
    "Valerie", "Nigel", "Gillian", "Colin", "Hazel", "Martin", "Karen", "Lee", "Donna", "Craig", "Kelly", "Dean",
    "Leanne", "Jamie", "Gemma", "Ryan", "Stacey",
];

pub(crate) const SURNAMES: &[&str] = &[
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson", "Roberts",
    "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall", "Lewis", "Harris",
    "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark",
    "Lee", "King", "Baker", "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Davis",
    "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook", "Carter", "Richardson",
    "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox", "Richards", "Khan", "Marshall", "Anderson",
    "Simpson", "Ellis", "Adams", "Singh", "Begum", "Wilkinson", "Foster", "Chapman", "Powell", "Webb", "Rogers",
    "Gray", "Mason", "Ali", "Hunt", "Hussain", "Campbell", "Matthews", "Owen", "Palmer", "Holmes", "Mills",
    "Barnes", "Knight", "Lloyd", "Butler", "Russell", "Barker", "Fisher", "Stevens", "Jenkins", "Murray", "Dixon",
    "Harvey", "Okafor", "Mensah", "Nowak", "Kowalski", "Chen", "Wong", "Nguyen", "Ahmed", "Rahman", "Sharma",
    "Gill", "Sandhu", "O'Brien", "O'Neill", "McDonald", "MacLeod", "Fraser", "Reid", "Stewart", "Ferguson",
    "Llewellyn", "Pritchard", "Bowen", "Okoro", "Adeyemi", "Boateng", "Silva", "Santos", "Rossi", "Papadopoulos",
];

pub(crate) const BUSINESS_PLACES: &[&str] = &[
    "Harbour Lane", "Millbrook", "Oakfield", "Riverside", "Kingsway", "Northgate", "Elm Street", "Canal Side",
    "Castle Hill", "Ashdown", "Marsh Road", "Bramley", "Seaview", "Fernhill", "Station Yard",
];

pub(crate) const BUSINESS_TRADES: &[&str] = &[
    "Bakery", "Builders", "Dental Practice", "Florists", "Motors", "Veterinary Surgery", "Lettings",
    "Coffee Roasters", "Print Works", "Pharmacy", "Joinery", "Catering", "Garden Centre", "Opticians",
];

pub(crate) const BUSINESS_SUFFIXES: &[&str] = &["Ltd", "Ltd", "& Sons Ltd", "LLP", "Ltd", "Co-operative"];

/// A branch: its id (used as `ChannelFacts::branch_id`), its display name, the code
/// printed on branch customer numbers, and the drama-range phone prefix of its city.
pub(crate) struct Branch {
    pub id: &'static str,
    pub name: &'static str,
    pub code: &'static str,
    /// Ofcom's drama numbers for the city (`prefix` + 3 digits), all valid in libphonenumber.
    pub phone_prefix: &'static str,
}

pub(crate) const BRANCHES: &[Branch] = &[
    Branch { id: "LDN-CHEAPSIDE", name: "London Cheapside", code: "LDN", phone_prefix: "020 7946 0" },
    Branch { id: "LDS-BRIGGATE", name: "Leeds Briggate", code: "LDS", phone_prefix: "0113 496 0" },
    Branch { id: "SHF-FARGATE", name: "Sheffield Fargate", code: "SHF", phone_prefix: "0114 496 0" },
    Branch { id: "LEI-GALLOWTREE", name: "Leicester Gallowtree Gate", code: "LEI", phone_prefix: "0116 496 0" },
    Branch { id: "BRS-BROADMEAD", name: "Bristol Broadmead", code: "BRS", phone_prefix: "0117 496 0" },
    Branch { id: "RDG-BROADST", name: "Reading Broad Street", code: "RDG", phone_prefix: "0118 496 0" },
    Branch { id: "BHM-NEWST", name: "Birmingham New Street", code: "BHM", phone_prefix: "0121 496 0" },
    Branch { id: "EDI-PRINCESST", name: "Edinburgh Princes Street", code: "EDI", phone_prefix: "0131 496 0" },
    Branch { id: "GLA-BUCHANAN", name: "Glasgow Buchanan Street", code: "GLA", phone_prefix: "0141 496 0" },
    Branch { id: "LPL-BOLDST", name: "Liverpool Bold Street", code: "LPL", phone_prefix: "0151 496 0" },
    Branch { id: "MAN-DEANSGATE", name: "Manchester Deansgate", code: "MAN", phone_prefix: "0161 496 0" },
    Branch { id: "NCL-GREYST", name: "Newcastle Grey Street", code: "NCL", phone_prefix: "0191 498 0" },
    Branch { id: "BFS-DONEGALL", name: "Belfast Donegall Place", code: "BFS", phone_prefix: "028 9649 6" },
    Branch { id: "CDF-QUEENST", name: "Cardiff Queen Street", code: "CDF", phone_prefix: "029 2018 0" },
    Branch { id: "LDN-CAMDEN", name: "London Camden High Street", code: "LDN", phone_prefix: "03069 990" },
];

pub(crate) const MERCHANTS: &[&str] = &[
    "Tesco Express", "Sainsbury's Local", "Pret A Manger", "Boots", "Greggs", "Amazon", "Uber", "Deliveroo",
    "TfL", "Trainline", "ASOS", "Currys", "IKEA", "Shell", "Costa Coffee", "Waitrose", "Argos", "Ryanair",
    "Booking.com", "John Lewis", "Screwfix", "B&Q", "Lidl", "Aldi", "Wagamama", "Just Eat", "Apple.com/bill",
    "Etsy", "eBay", "National Express",
];

pub(crate) const BILLERS: &[&str] = &[
    "British Gas", "Thames Water", "EE", "Council Tax", "Sky", "Octopus Energy", "PureGym", "Netflix",
    "TV Licensing", "Vodafone", "Direct Line", "Virgin Media", "Severn Trent", "BT", "Admiral",
];

pub(crate) const PAYEES: &[&str] = &[
    "Lakeside Lettings", "HMRC", "J Morgan", "Fenwick Builders", "A Patel", "Greenway Nursery", "S Okafor",
    "Northern Roofing", "my landlord", "my sister", "the solicitors", "Brightside Motors",
];

pub(crate) const DEVICES: &[&str] = &[
    "iPhone 15", "iPhone 13", "Pixel 8", "Galaxy S23", "Galaxy A54", "iPad", "OnePlus 11", "iPhone SE",
];

pub(crate) const SCAMMERS: &[&str] = &[
    "someone saying they were from HMRC",
    "a text pretending to be Royal Mail",
    "a caller claiming to be from your fraud team",
    "a seller on Facebook Marketplace",
    "an investment advert on Instagram",
    "an email that looked like it was from my solicitor",
];

pub(crate) const EMAIL_DOMAINS: &[&str] = &["example.com", "example.org", "example.net"];

pub(crate) const MONTHS: &[&str] = &[
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
];

pub(crate) const WEEKDAYS: &[&str] = &["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
