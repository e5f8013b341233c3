"""Multi-vendor marketplace: categories, products, carts, checkout split into one order per
seller, sellers' balances, reviews and favourites. It owns no accounts, organizations or
payments: those stay in accounts/access, and no payment provider is called."""
