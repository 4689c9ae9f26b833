"""Signed-in pages for consortium members: dashboard, consortia, package drafts, API tokens."""

from django.urls import path

from ..views import consortia, dashboard, invitations, packages, translations

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/api-token/", dashboard.api_token, name="manage_api_token"),
    path("dashboard/invitations/", invitations.invitations, name="manage_invitations"),
    path(
        "dashboard/invitations/<int:member_id>/accept/", invitations.invitation_accept, name="manage_invitation_accept"
    ),
    path(
        "dashboard/invitations/<int:member_id>/decline/",
        invitations.invitation_decline,
        name="manage_invitation_decline",
    ),
    path("dashboard/memberships/<int:member_id>/leave/", invitations.membership_leave, name="manage_membership_leave"),
    path("dashboard/consortia/new/", consortia.consortium_create, name="manage_consortium_create"),
    path("dashboard/consortia/<slug:slug>/", consortia.consortium_detail, name="manage_consortium_detail"),
    path("dashboard/consortia/<slug:slug>/edit/", consortia.consortium_edit, name="manage_consortium_edit"),
    path("dashboard/consortia/<slug:slug>/members/", consortia.consortium_members, name="manage_consortium_members"),
    path(
        "dashboard/consortia/<slug:slug>/members/<int:member_id>/remove/",
        consortia.consortium_member_remove,
        name="manage_consortium_member_remove",
    ),
    path(
        "dashboard/consortia/<slug:slug>/members/<int:member_id>/withdraw/",
        consortia.consortium_member_withdraw,
        name="manage_consortium_member_withdraw",
    ),
    path("dashboard/consortia/<slug:slug>/packages/new/", packages.package_new, name="manage_package_new"),
    path("dashboard/packages/<slug:slug>/", packages.package_detail, name="manage_package_detail"),
    path("dashboard/packages/<slug:slug>/steps/<slug:step>/", packages.package_step, name="manage_package_step"),
    path("dashboard/packages/<slug:slug>/submit/", packages.package_submit, name="manage_package_submit"),
    path("dashboard/packages/<slug:slug>/withdraw/", packages.package_withdraw, name="manage_package_withdraw"),
    path("dashboard/packages/<slug:slug>/reopen/", packages.package_reopen, name="manage_package_reopen"),
    path("dashboard/packages/<slug:slug>/revise/", packages.package_revise, name="manage_package_revise"),
    path(
        "dashboard/packages/<slug:slug>/translations/new/",
        translations.translation_new,
        name="manage_translation_new",
    ),
    path(
        "dashboard/packages/<slug:slug>/translations/<slug:language>/",
        translations.translation_edit,
        name="manage_translation_edit",
    ),
    path(
        "dashboard/packages/<slug:slug>/translations/<slug:language>/remove/",
        translations.translation_remove,
        name="manage_translation_remove",
    ),
    path(
        "dashboard/packages/<slug:slug>/components/<int:component_id>/",
        packages.component_edit,
        name="manage_component_edit",
    ),
    path(
        "dashboard/packages/<slug:slug>/components/<int:component_id>/remove/",
        packages.component_remove,
        name="manage_component_remove",
    ),
]
