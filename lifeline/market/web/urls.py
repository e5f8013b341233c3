"""Web pages of the market module (config/urls.py mounts them under /market/,
namespace `market-web`)."""

from django.urls import path

from lifeline.market.web import views, wishlists

app_name = "market-web"

urlpatterns = [
    path("", views.home, name="home"),
    path("products/new/", views.product_new, name="product-new"),
    path("products/mine/", views.my_products, name="mine"),
    path("products/<slug:slug>/", views.product, name="product"),
    path("products/<slug:slug>/edit/", views.product_edit, name="product-edit"),
    path("products/<slug:slug>/cart/", views.cart_add, name="cart-add"),
    path("products/<slug:slug>/favourite/", views.favourite, name="favourite"),
    path("products/<slug:slug>/wishlist/", wishlists.wishlist_add, name="wishlist-add"),
    path("products/<slug:slug>/review/", views.review, name="review"),
    path(
        "products/<slug:slug>/reviews/<int:review_id>/answer/",
        views.review_answer,
        name="review-answer",
    ),
    path("images/<uuid:image_id>/", views.image, name="image"),
    path("products/<slug:slug>/images/", views.image_add, name="image-add"),
    path(
        "products/<slug:slug>/images/<uuid:image_id>/<slug:action>/",
        views.image_action,
        name="image-action",
    ),
    path("products/<slug:slug>/variants/", views.variant_add, name="variant-add"),
    path(
        "products/<slug:slug>/variants/<int:variant_id>/",
        views.variant_update,
        name="variant-update",
    ),
    path("products/<slug:slug>/<slug:action>/", views.product_action, name="product-action"),
    path("cart/", views.cart, name="cart"),
    path("cart/<uuid:product_id>/", views.cart_update, name="cart-update"),
    path("checkout/", views.checkout, name="checkout"),
    path("orders/", views.orders, name="orders"),
    path("sales/", views.sales, name="sales"),
    path("orders/<uuid:order_id>/", views.order, name="order"),
    path("orders/<uuid:order_id>/<slug:action>/", views.order_action, name="order-action"),
    path("moderation/", views.moderation, name="moderation"),
    path("favourites/", views.favourites, name="favourites"),
    path("wishlists/", wishlists.wishlists, name="wishlists"),
    path("wishlists/<uuid:wishlist_id>/", wishlists.wishlist, name="wishlist"),
    path(
        "wishlists/<uuid:wishlist_id>/items/<uuid:product_id>/remove/",
        wishlists.wishlist_item_remove,
        name="wishlist-item-remove",
    ),
    path(
        "wishlists/<uuid:wishlist_id>/<slug:action>/",
        wishlists.wishlist_action,
        name="wishlist-action",
    ),
    path("shared/<str:token>/", wishlists.wishlist_shared, name="wishlist-shared"),
]
