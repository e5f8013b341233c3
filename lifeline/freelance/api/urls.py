"""/api/v1/freelance/ (included by config/api_urls.py)."""

from django.urls import path

from lifeline.freelance.api import views

urlpatterns = [
    path("categories/", views.CategoryListApi.as_view()),
    path("gigs/", views.GigListApi.as_view()),
    path("gigs/mine/", views.MyGigListApi.as_view()),
    path("gigs/moderation/", views.ModerationQueueApi.as_view()),
    path("gigs/<uuid:gig_id>/", views.GigDetailApi.as_view()),
    path("gigs/<uuid:gig_id>/favourite/", views.GigFavouriteApi.as_view()),
    path("gigs/<uuid:gig_id>/status/", views.GigStatusApi.as_view()),
    path("gigs/<uuid:gig_id>/approve/", views.GigApproveApi.as_view()),
    path("gigs/<uuid:gig_id>/reject/", views.GigRejectApi.as_view()),
    path("sellers/<uuid:seller_id>/", views.SellerProfileApi.as_view()),
    path("analytics/", views.AnalyticsApi.as_view()),
    path("favourites/", views.FavouriteListApi.as_view()),
    path("search/", views.GigSearchApi.as_view()),
    path("orders/", views.OrderListApi.as_view()),
    path("orders/<uuid:order_id>/", views.OrderDetailApi.as_view()),
    path("orders/<uuid:order_id>/requirements/", views.OrderRequirementsApi.as_view()),
    path("orders/<uuid:order_id>/deliver/", views.OrderDeliverApi.as_view()),
    path("orders/<uuid:order_id>/revision/", views.OrderRevisionApi.as_view()),
    path("orders/<uuid:order_id>/complete/", views.OrderCompleteApi.as_view()),
    path("orders/<uuid:order_id>/cancel/", views.OrderCancelApi.as_view()),
    path("orders/<uuid:order_id>/cancel/withdraw/", views.OrderCancelWithdrawApi.as_view()),
    path("orders/<uuid:order_id>/review/", views.OrderReviewApi.as_view()),
    path("orders/<uuid:order_id>/portfolio-consent/", views.OrderPortfolioConsentApi.as_view()),
    path("portfolio/", views.PortfolioListApi.as_view()),
    path("portfolio/<uuid:item_id>/", views.PortfolioDetailApi.as_view()),
    path("portfolio/<uuid:item_id>/images/", views.PortfolioImageApi.as_view()),
]
