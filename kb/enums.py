"""The register's typology: every enumeration, with the exact values of the exchange formats.

Dutch labels and definitions live in corpus/typology.json; a test keeps the two in step.
"""

from enum import StrEnum


class Kind(StrEnum):
    juridisch = "juridisch"
    procesmatig = "procesmatig"
    technisch = "technisch"
    organisatorisch = "organisatorisch"
    financieel = "financieel"


class Werf(StrEnum):
    frontoffice = "frontoffice"
    backoffice = "backoffice"
    interbestuurlijke_keten = "interbestuurlijke-keten"
    beleidsvoering = "beleidsvoering"


class Level(StrEnum):
    europees = "europees"
    federaal = "federaal"
    vlaams = "vlaams"
    provinciaal = "provinciaal"
    lokaal = "lokaal"


class RegulationLevel(StrEnum):
    europees = "europees"
    federaal = "federaal"
    vlaams = "vlaams"
    provinciaal = "provinciaal"
    lokaal = "lokaal"
    buitenlands = "buitenlands"


class Status(StrEnum):
    gemeld = "gemeld"
    in_analyse = "in-analyse"
    oplossing_voorgesteld = "oplossing-voorgesteld"
    in_uitvoering = "in-uitvoering"
    opgelost = "opgelost"
    niet_weerhouden = "niet-weerhouden"


class RegulationKind(StrEnum):
    verordening = "verordening"
    richtlijn = "richtlijn"
    wet = "wet"
    koninklijk_besluit = "koninklijk-besluit"
    decreet = "decreet"
    ordonnantie = "ordonnantie"
    besluit_vlaamse_regering = "besluit-vlaamse-regering"
    ministerieel_besluit = "ministerieel-besluit"
    omzendbrief = "omzendbrief"
    reglement = "reglement"
    andere = "andere"


class ArticleStatus(StrEnum):
    geldend = "geldend"
    opgeheven = "opgeheven"
    vervallen = "vervallen"


class LinkRole(StrEnum):
    oorzaak = "oorzaak"
    relevant = "relevant"
    oplossing = "oplossing"


class ProjectType(StrEnum):
    concept = "concept"
    thematisch = "thematisch"
    transformatie = "transformatie"


class ProjectStatus(StrEnum):
    lopend = "lopend"
    afgerond = "afgerond"
    stopgezet = "stopgezet"


class Role(StrEnum):
    lezer = "lezer"
    jurist = "jurist"
    programmateam = "programmateam"
    beheerder = "beheerder"


class SolutionType(StrEnum):
    wijziging_regelgeving = "wijziging-regelgeving"
    interpretatie = "interpretatie"
    omzendbrief_of_richtlijn = "omzendbrief-of-richtlijn"
    technische_oplossing = "technische-oplossing"
    organisatorische_maatregel = "organisatorische-maatregel"
    financiering = "financiering"


def values(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]
