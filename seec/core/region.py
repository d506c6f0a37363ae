"""Reference facts about the 14 countries of the SEEC region.

Languages are ISO 639-1 codes, scripts ISO 15924. The 116 000 operator is recorded where it
was known when this table was written; administrators keep it current in the admin pages
(Countries), and "not recorded" means nobody has entered it yet, not that there is none.
"""

# The values of models.HotlineStatus; plain strings so that migrations can import this table.
OPERATIONAL = "operational"
UNKNOWN = "unknown"

# code: (languages, scripts, 116 000 status, 116 000 operator)
REGION: dict[str, tuple[list[str], list[str], str, str]] = {
    "AL": (["sq"], ["Latn"], UNKNOWN, ""),
    "BA": (["bs", "hr", "sr"], ["Latn", "Cyrl"], UNKNOWN, ""),
    "BG": (["bg"], ["Cyrl"], OPERATIONAL, "Nadja Centre Foundation"),
    "HR": (["hr"], ["Latn"], OPERATIONAL, "Centar za nestalu i zlostavljanu djecu"),
    "CY": (["el", "tr"], ["Grek", "Latn"], OPERATIONAL, "Hope For Children CRC Policy Center"),
    "GR": (["el"], ["Grek"], OPERATIONAL, "The Smile of the Child"),
    "MD": (["ro"], ["Latn"], UNKNOWN, ""),
    # Montenegrin (ISO 639-3 cnr) is the official language; the others are in official use.
    "ME": (["cnr", "sr", "bs", "sq", "hr"], ["Latn", "Cyrl"], UNKNOWN, ""),
    "MK": (["mk", "sq"], ["Cyrl", "Latn"], UNKNOWN, ""),
    "RO": (["ro"], ["Latn"], OPERATIONAL, "FOCUS – Romanian Centre for Missing Children"),
    "RS": (["sr"], ["Cyrl", "Latn"], OPERATIONAL, "Centar za nestalu i zlostavljanu decu"),
    "SI": (["sl"], ["Latn"], UNKNOWN, ""),
    "TR": (["tr"], ["Latn"], UNKNOWN, ""),
    "UA": (["uk"], ["Cyrl"], OPERATIONAL, "Magnolia"),
}

# Each country's civil time (IANA zone): organisations work in their country's, and the
# statistics' periods are cut at its midnight.
TIME_ZONES: dict[str, str] = {
    "AL": "Europe/Tirane",
    "BA": "Europe/Sarajevo",
    "BG": "Europe/Sofia",
    "HR": "Europe/Zagreb",
    "CY": "Asia/Nicosia",
    "GR": "Europe/Athens",
    "MD": "Europe/Chisinau",
    "ME": "Europe/Podgorica",
    "MK": "Europe/Skopje",
    "RO": "Europe/Bucharest",
    "RS": "Europe/Belgrade",
    "SI": "Europe/Ljubljana",
    "TR": "Europe/Istanbul",
    "UA": "Europe/Kyiv",
}
