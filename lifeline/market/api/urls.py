"""/api/v1/market/."""

from django.urls import path

from lifeline.market.api import views as v

urlpatterns = [
    path("categories/", v.CategoryListApi.as_view(), name="market-categories"),
    path("products/", v.ProductListCreateApi.as_view(), name="market-products"),
    path("products/mine/", v.MyProductListApi.as_view(), name="market-products-mine"),
    path("products/<uuid:product_id>/", v.ProductDetailApi.as_view(), name="market-product"),
    *[
        path(
            f"products/<uuid:product_id>/{action}/",
            v.ProductActionApi.as_view(action=action),
            name=f"market-product-{action}",
        )
        for action in ("submit", "approve", "pause", "resume", "archive")
    ],
    path(
        "products/<uuid:product_id>/reject/",
        v.ProductRejectApi.as_view(),
        name="market-product-reject",
    ),
    path(
        "products/<uuid:product_id>/reviews/",
        v.ReviewListCreateApi.as_view(),
        name="market-product-reviews",
    ),
    path(
        "products/<uuid:product_id>/reviews/<int:review_id>/answer/",
        v.ReviewAnswerApi.as_view(),
        name="market-review-answer",
    ),
    path(
        "products/<uuid:product_id>/favourite/",
        v.FavouriteApi.as_view(),
        name="market-product-favourite",
    ),
    path(
        "products/<uuid:product_id>/variants/",
        v.VariantListCreateApi.as_view(),
        name="market-product-variants",
    ),
    path(
        "products/<uuid:product_id>/variants/<int:variant_id>/",
        v.VariantDetailApi.as_view(),
        name="market-product-variant",
    ),
    path(
        "products/<uuid:product_id>/images/",
        v.ImageListCreateApi.as_view(),
        name="market-product-images",
    ),
    path(
        "products/<uuid:product_id>/images/order/",
        v.ImageOrderApi.as_view(),
        name="market-product-image-order",
    ),
    path(
        "products/<uuid:product_id>/images/<uuid:image_id>/",
        v.ImageDetailApi.as_view(),
        name="market-product-image",
    ),
    path(
        "products/<uuid:product_id>/images/<uuid:image_id>/primary/",
        v.ImagePrimaryApi.as_view(),
        name="market-product-image-primary",
    ),
    path("moderation/", v.ModerationQueueApi.as_view(), name="market-moderation"),
    path("search/", v.SearchApi.as_view(), name="market-search"),
    path("search/facets/", v.FacetsApi.as_view(), name="market-search-facets"),
    path("favourites/", v.FavouriteListApi.as_view(), name="market-favourites"),
    path("cart/", v.CartApi.as_view(), name="market-cart"),
    path("cart/items/<uuid:product_id>/", v.CartItemApi.as_view(), name="market-cart-item"),
    path("checkout/", v.CheckoutApi.as_view(), name="market-checkout"),
    path("orders/", v.OrderListApi.as_view(), name="market-orders"),
    path("orders/<uuid:order_id>/", v.OrderDetailApi.as_view(), name="market-order"),
    *[
        path(
            f"orders/<uuid:order_id>/{step}/",
            v.OrderAdvanceApi.as_view(step=step),
            name=f"market-order-{step}",
        )
        for step in ("confirm", "ship", "deliver")
    ],
    path("orders/<uuid:order_id>/cancel/", v.OrderCancelApi.as_view(), name="market-order-cancel"),
    path("balance/", v.BalanceApi.as_view(), name="market-balance"),
    path("wishlists/", v.WishListListCreateApi.as_view(), name="market-wishlists"),
    path(
        "wishlists/shared/<str:token>/",
        v.SharedWishListApi.as_view(),
        name="market-wishlist-shared",
    ),
    path("wishlists/<uuid:wishlist_id>/", v.WishListDetailApi.as_view(), name="market-wishlist"),
    path(
        "wishlists/<uuid:wishlist_id>/share/",
        v.WishListShareApi.as_view(),
        name="market-wishlist-share",
    ),
    path(
        "wishlists/<uuid:wishlist_id>/items/<uuid:product_id>/",
        v.WishListItemApi.as_view(),
        name="market-wishlist-item",
    ),
]
