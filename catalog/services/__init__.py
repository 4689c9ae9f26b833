"""Every write of the catalog: keyword-only ``<entity>_<verb>`` functions, each one transaction with its audit row.

``consortia`` (consortia and members), ``memberships`` (invitations: invite, accept, decline, withdraw,
leave), ``organizations`` (organizations, their members, staff verification), ``packages`` (drafts, components,
submit/withdraw/revise), ``translations`` (a package in other languages), ``review`` (staff decisions),
``revisions`` (diff and merge of a revision), ``tokens`` (API tokens).
"""

from .consortia import consortium_create, consortium_member_remove, consortium_update
from .consultation import consultation_answer, consulted_office_save
from .memberships import (
    consortium_member_accept,
    consortium_member_decline,
    consortium_member_invite,
    consortium_member_leave,
    consortium_member_withdraw,
)
from .organizations import (
    organization_create,
    organization_member_add,
    organization_member_remove,
    organization_member_set_role,
    organization_unverify,
    organization_update,
    organization_verify,
)
from .packages import (
    component_add,
    component_remove,
    component_update,
    package_create,
    package_reopen,
    package_revise,
    package_submit,
    package_update,
    package_withdraw,
)
from .review import package_assign, package_publish, package_reject, package_request_changes, package_start_review
from .tokens import api_token_create, api_token_revoke
from .translations import package_translation_remove, package_translation_save

__all__ = [
    "api_token_create",
    "api_token_revoke",
    "component_add",
    "component_remove",
    "component_update",
    "consortium_create",
    "consortium_member_accept",
    "consortium_member_decline",
    "consortium_member_invite",
    "consortium_member_leave",
    "consultation_answer",
    "consulted_office_save",
    "consortium_member_remove",
    "consortium_member_withdraw",
    "consortium_update",
    "organization_create",
    "organization_member_add",
    "organization_member_remove",
    "organization_member_set_role",
    "organization_unverify",
    "organization_update",
    "organization_verify",
    "package_assign",
    "package_create",
    "package_publish",
    "package_reject",
    "package_reopen",
    "package_request_changes",
    "package_revise",
    "package_start_review",
    "package_submit",
    "package_update",
    "package_translation_remove",
    "package_translation_save",
    "package_withdraw",
]
