"""Agents of cogov, one module per kind (docs/specification.md §2).

Residents are many and vectorised (:mod:`agents.households`, each viewed as a Mesa agent by
:mod:`agents.resident`); the organisational agents are few and step one by one.
"""

from agents.households import Households
from agents.owners_committee import OwnersCommittee
from agents.party_branch import PartyBranch
from agents.property_firm import PropertyFirm
from agents.resident import Resident
from agents.residents_committee import ResidentsCommittee
from agents.social_organisation import SocialOrganisation
from agents.street_office import StreetOffice

__all__ = [
    "Households", "Resident", "PartyBranch", "ResidentsCommittee", "OwnersCommittee", "PropertyFirm",
    "SocialOrganisation", "StreetOffice",
]
