"""Web pages of the freelance module (included by config/urls.py under /freelance/)."""

from django.urls import path

from lifeline.freelance.web import gig_images, views

app_name = "freelance-web"

urlpatterns = [
    path("", views.home, name="home"),
    path("gigs/<uuid:gig_id>/", views.gig, name="gig"),
    path("gigs/<uuid:gig_id>/order/", views.order_place, name="order-place"),
    path("gigs/<uuid:gig_id>/favourite/", views.gig_favourite, name="gig-favourite"),
    path("gigs/<uuid:gig_id>/conversation/", views.gig_conversation, name="gig-conversation"),
    path("sellers/<uuid:seller_id>/", views.seller, name="seller"),
    path("gig-images/<uuid:image_id>/", views.gig_image, name="gig-image"),
    path("reviews/<uuid:review_id>/<slug:action>/", views.review_action, name="review-action"),
    path("portfolio/images/<int:image_id>/", views.portfolio_image, name="portfolio-image"),
    path("my/portfolio/", views.my_portfolio, name="my-portfolio"),
    path(
        "my/portfolio/<uuid:item_id>/images/",
        views.portfolio_image_upload,
        name="portfolio-image-upload",
    ),
    path(
        "my/portfolio/<uuid:item_id>/delete/",
        views.portfolio_item_delete,
        name="portfolio-item-delete",
    ),
    path("my/analytics/", views.analytics, name="analytics"),
    path("my/analytics.<slug:kind>", views.analytics_export, name="analytics-export"),
    path("my/favourites/", views.favourites, name="favourites"),
    path("my/gigs/", views.my_gigs, name="my-gigs"),
    path("my/gigs/new/", views.gig_new, name="gig-new"),
    path("my/gigs/<uuid:gig_id>/", views.gig_edit, name="gig-edit"),
    path("my/gigs/<uuid:gig_id>/images/", gig_images.gig_image_add, name="gig-image-add"),
    path(
        "my/gigs/<uuid:gig_id>/images/<uuid:image_id>/<slug:action>/",
        gig_images.gig_image_action,
        name="gig-image-action",
    ),
    path("gigs/<uuid:gig_id>/<slug:move>/", views.gig_move, name="gig-move"),
    path("my/balance/", views.balance, name="balance"),
    path("offers/", views.offers, name="offers"),
    path("offers/<uuid:offer_id>/<slug:action>/", views.offer_action, name="offer-action"),
    path("moderation/", views.moderation, name="moderation"),
    path("orders/<uuid:order_id>/", views.order, name="order"),
    path(
        "orders/<uuid:order_id>/conversation/",
        views.order_conversation,
        name="order-conversation",
    ),
    path(
        "orders/<uuid:order_id>/files/<uuid:file_id>/",
        views.order_file,
        name="order-file",
    ),
    path("orders/<uuid:order_id>/<slug:action>/", views.order_action, name="order-action"),
]
