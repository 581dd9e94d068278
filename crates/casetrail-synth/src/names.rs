//! Invented people and places for notes. Common Danish names and ordinary street names,
//! combined at random: any likeness to a real person is the chance of common names.

pub const FIRST_NAMES: &[&str] = &[
    "Anne", "Mette", "Kirsten", "Hanne", "Susanne", "Lene", "Maria", "Marianne", "Camilla",
    "Louise", "Sofie", "Ida", "Emma", "Freja", "Karen", "Pia", "Tina", "Helle", "Jens", "Peter",
    "Lars", "Michael", "Henrik", "Thomas", "Søren", "Jan", "Martin", "Niels", "Anders", "Rasmus",
    "Jesper", "Mads", "Mikkel", "Bent", "Ole", "Kasper", "Frederik", "Jonas", "Emil", "Lukas",
];

pub const LAST_NAMES: &[&str] = &[
    "Nielsen",
    "Jensen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Christiansen",
    "Poulsen",
    "Johansen",
    "Møller",
    "Mortensen",
    "Holm",
    "Østergaard",
    "Lund",
    "Bak",
    "Dahl",
];

pub const STREETS: &[&str] = &[
    "Vestergade",
    "Østergade",
    "Nørregade",
    "Søndergade",
    "Skolevej",
    "Kirkevej",
    "Parkvej",
    "Engvej",
    "Møllevej",
    "Bakkevej",
    "Skovvej",
    "Stationsvej",
    "Havnegade",
    "Åboulevarden",
    "Banegårdsgade",
];

/// Postcodes and towns of Region Midtjylland.
pub const TOWNS: &[(&str, &str)] = &[
    ("8000", "Aarhus C"),
    ("8200", "Aarhus N"),
    ("8210", "Aarhus V"),
    ("8900", "Randers C"),
    ("7400", "Herning"),
    ("8600", "Silkeborg"),
    ("8700", "Horsens"),
    ("8800", "Viborg"),
    ("7500", "Holstebro"),
    ("8500", "Grenaa"),
    ("7800", "Skive"),
    ("8660", "Skanderborg"),
];

pub const MUNICIPALITIES: &[&str] = &[
    "Aarhus",
    "Randers",
    "Herning",
    "Silkeborg",
    "Horsens",
    "Viborg",
    "Holstebro",
    "Norddjurs",
    "Skive",
    "Skanderborg",
];

pub const WARDS: &[&str] = &[
    "Afsnit P1 Aarhus",
    "Afsnit P2 Aarhus",
    "Afsnit M1 Risskov",
    "Afsnit S2 Risskov",
    "Afsnit A Randers",
    "Afsnit E Herning",
    "Afsnit 1 Viborg",
    "Afsnit G Horsens",
];

pub const RELATIONS: &[&str] = &["mor", "far", "søster", "bror", "kæreste", "nabo", "ven"];
