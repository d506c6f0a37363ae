"""The default catalogue of indicators of child trafficking and exploitation, as data.

The indicators follow, by form of exploitation, the sets that the region's trainings (VICTOR
among them) taught front-line staff to look for:
- ILO and European Commission, "Operational indicators of trafficking in human beings",
  results of a Delphi survey, 2009 (revised 2011): indicators for children, by dimension
  (recruitment, exploitation, coercion, abuse of vulnerability) and strength;
- European Commission, "Guidelines for the identification of victims of trafficking in
  human beings, especially for consular services and border guards", 2013;
- UNODC, "Human trafficking indicators" (general, children, sexual and labour exploitation,
  begging and petty crime).
The wording here is the platform's own summary of those indicators, not a quotation; a
national authority edits the catalogue (a new version) where its practice words them
otherwise. Loaded by a data migration as version "2009-ilo-ec".
"""

DEFAULT_VERSION = "2009-ilo-ec"
DEFAULT_TITLE = "EU/ILO indicators of child trafficking"

ILO_EC = "ILO & European Commission, Operational indicators of trafficking in human beings (2009)"
EC_2013 = "European Commission, Guidelines for the identification of victims of THB (2013)"
UNODC = "UNODC, Human trafficking indicators"

SOURCES = "\n".join([ILO_EC, EC_2013, UNODC])

# (code, form of exploitation ("" for every form), dimension, strength, text, source)
DEFAULT_INDICATORS: list[tuple[str, str, str, str, str, str]] = [
    # General: whatever the form of exploitation.
    ("G01", "", "Recruitment", "strong",
     "Travels or lives without a parent or legal guardian, or with an adult whose relationship "
     "to the child cannot be established", EC_2013),
    ("G02", "", "Coercion", "strong",
     "Identity or travel documents are held by someone else", ILO_EC),
    ("G03", "", "Coercion", "strong",
     "Is not free to leave, is confined or kept under surveillance", ILO_EC),
    ("G04", "", "Coercion", "strong",
     "Violence, or threats of violence, against the child or the family", ILO_EC),
    ("G05", "", "Coercion", "medium",
     "Owes a debt (travel, lodging, 'fees') that is used to control the child", ILO_EC),
    ("G06", "", "Recruitment", "medium",
     "Was deceived about the work, the place, the conditions or the people", ILO_EC),
    ("G07", "", "Abuse of vulnerability", "medium",
     "Does not know their address or the town they are in", UNODC),
    ("G08", "", "Abuse of vulnerability", "medium",
     "Gives rehearsed or inconsistent answers, or an adult answers for them", EC_2013),
    ("G09", "", "Abuse of vulnerability", "weak",
     "Shows signs of neglect, injury or psychological distress", UNODC),
    ("G10", "", "Abuse of vulnerability", "weak",
     "Is out of school and out of contact with the family", UNODC),
    # Sexual exploitation.
    ("S01", "sexual", "Exploitation", "strong",
     "Found where sex is sold (brothel, massage parlour, hotel or flat used for prostitution)",
     ILO_EC),
    ("S02", "sexual", "Exploitation", "strong",
     "Sexual services advertised online with the child's images", UNODC),
    ("S03", "sexual", "Recruitment", "medium",
     "Groomed by an adult 'boyfriend' or with gifts, money or a phone", UNODC),
    ("S04", "sexual", "Coercion", "medium",
     "Moved often between towns or venues", UNODC),
    ("S05", "sexual", "Abuse of vulnerability", "weak",
     "Sexually transmitted infection, pregnancy or injuries without explanation", UNODC),
    # Labour exploitation.
    ("L01", "labour", "Exploitation", "strong",
     "Excessive working hours or days, night work, no rest days", ILO_EC),
    ("L02", "labour", "Exploitation", "strong",
     "Hazardous work (heavy loads, chemicals, machinery, construction, agriculture)", ILO_EC),
    ("L03", "labour", "Exploitation", "medium",
     "No or very low pay, or the pay is kept by the employer or another adult", ILO_EC),
    ("L04", "labour", "Coercion", "medium",
     "Lives at the workplace or in housing the employer controls", ILO_EC),
    ("L05", "labour", "Exploitation", "weak",
     "No protective equipment or training for the work", ILO_EC),
    # Forced begging.
    ("B01", "forced_begging", "Exploitation", "strong",
     "Begs under the control of an adult who takes the money", UNODC),
    ("B02", "forced_begging", "Coercion", "medium",
     "Must bring a daily sum, and is punished if it falls short", UNODC),
    ("B03", "forced_begging", "Exploitation", "medium",
     "Is brought to and collected from the begging spot", UNODC),
    ("B04", "forced_begging", "Abuse of vulnerability", "weak",
     "A very young or disabled child is used to move passers-by", UNODC),
    # Forced criminal activities.
    ("C01", "forced_criminality", "Exploitation", "strong",
     "Made to steal, pickpocket, sell drugs or commit other offences", EC_2013),
    ("C02", "forced_criminality", "Coercion", "medium",
     "Arrested repeatedly for similar offences in different places", EC_2013),
    ("C03", "forced_criminality", "Exploitation", "medium",
     "Hands the proceeds of offences to an adult", UNODC),
    # Forced marriage.
    ("M01", "forced_marriage", "Recruitment", "strong",
     "Married, or promised in marriage, in exchange for money or goods", EC_2013),
    ("M02", "forced_marriage", "Abuse of vulnerability", "medium",
     "Taken out of school to be married", EC_2013),
    # Removal of organs.
    ("O01", "organ_removal", "Recruitment", "strong",
     "Has had, or was promised, a medical procedure abroad for payment", EC_2013),
]  # fmt: skip


def load_default(catalogue_model, indicator_model, published_at):
    """Create the default catalogue, published, unless it exists (models may be historical)."""
    catalogue, created = catalogue_model.objects.get_or_create(
        version=DEFAULT_VERSION,
        defaults={"title": DEFAULT_TITLE, "sources": SOURCES, "published_at": published_at},
    )
    if created:
        indicator_model.objects.bulk_create(
            indicator_model(
                catalogue=catalogue,
                code=code,
                exploitation=form,
                dimension=dimension,
                strength=strength,
                text=text,
                source=source,
            )
            for code, form, dimension, strength, text, source in DEFAULT_INDICATORS
        )
    return catalogue
