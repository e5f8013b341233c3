from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Every role of every module. A user may hold several, in several organizations."""

    PATIENT = "patient", _("Patient")
    DOCTOR = "doctor", _("Doctor")
    CLINIC_ADMIN = "clinic_admin", _("Clinic administrator")
    DEVICE_OWNER = "device_owner", _("Device owner")
    HELPER = "helper", _("Volunteer helper")
    SOS_ADMIN = "sos_admin", _("SOS administrator")
    DISPATCHER = "dispatcher", _("Dispatcher")
    CREW = "crew", _("Ambulance crew")
    AMBULANCE_ADMIN = "ambulance_admin", _("Ambulance administrator")
    OPERATOR = "operator", _("Call-centre operator")
    MASTER = "master", _("Field master")
    MANAGER = "manager", _("Manager")
    DIRECTOR = "director", _("Director")
    SELLER = "seller", _("Seller")
    BUYER = "buyer", _("Buyer")
    FREELANCER = "freelancer", _("Freelancer")
    MODERATOR = "moderator", _("Moderator")
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")


class OrganizationKind(models.TextChoices):
    CLINIC = "clinic", _("Clinic")
    SOS_SERVICE = "sos_service", _("SOS service")
    AMBULANCE_STATION = "ambulance_station", _("Ambulance station")
    SERVICE_COMPANY = "service_company", _("Service company")
    MARKETPLACE = "marketplace", _("Marketplace operator")
    PLATFORM = "platform", _("Platform")


# The roles that exist in each kind of organization: the only roles that can be granted in
# one (by anyone, platform administrators included). A role belongs to exactly one kind.
ROLES_BY_KIND: dict[str, frozenset[str]] = {
    OrganizationKind.CLINIC: frozenset({Role.PATIENT, Role.DOCTOR, Role.CLINIC_ADMIN}),
    OrganizationKind.SOS_SERVICE: frozenset({Role.DEVICE_OWNER, Role.HELPER, Role.SOS_ADMIN}),
    OrganizationKind.AMBULANCE_STATION: frozenset(
        {Role.DISPATCHER, Role.CREW, Role.AMBULANCE_ADMIN}
    ),
    OrganizationKind.SERVICE_COMPANY: frozenset(
        {Role.OPERATOR, Role.MASTER, Role.MANAGER, Role.DIRECTOR}
    ),
    OrganizationKind.MARKETPLACE: frozenset(
        {Role.SELLER, Role.BUYER, Role.FREELANCER, Role.MODERATOR}
    ),
    OrganizationKind.PLATFORM: frozenset({Role.PLATFORM_ADMIN}),
}

# The kind of organization each role belongs to (ROLES_BY_KIND read the other way).
ROLE_KIND: dict[str, str] = {role: kind for kind, roles in ROLES_BY_KIND.items() for role in roles}

# Roles that administer their organization (see members, approve memberships, read audit).
ADMIN_ROLES = frozenset(
    {
        Role.CLINIC_ADMIN,
        Role.SOS_ADMIN,
        Role.AMBULANCE_ADMIN,
        Role.DIRECTOR,
        Role.PLATFORM_ADMIN,
    }
)
