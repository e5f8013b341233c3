from django.urls import path

from lifeline.access.api import views

app_name = "access"

urlpatterns = [
    path("organizations/", views.OrganizationListApi.as_view(), name="organization-list"),
    path(
        "organizations/<uuid:organization_id>/",
        views.OrganizationDetailApi.as_view(),
        name="organization-detail",
    ),
    path(
        "organizations/<uuid:organization_id>/memberships/",
        views.MembershipListApi.as_view(),
        name="membership-list",
    ),
    path(
        "organizations/<uuid:organization_id>/memberships/<int:membership_id>/approve/",
        views.MembershipApproveApi.as_view(),
        name="membership-approve",
    ),
    path(
        "organizations/<uuid:organization_id>/memberships/<int:membership_id>/revoke/",
        views.MembershipRevokeApi.as_view(),
        name="membership-revoke",
    ),
]
