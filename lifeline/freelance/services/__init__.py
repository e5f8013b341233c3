"""Every write of the freelance module, by entity; import from the submodule (no re-exports).

Services enforce invariants and who may move what (the right party of an order, a moderator
of the gig's marketplace); every transition runs under a row lock, is audited, tells the
other party (notification) and both parties' sockets (event), after commit.

- `gigs`: create, edit (back to approval), moderation moves, impressions and clicks;
- `images`: the gig's images (add, order, primary, remove);
- `orders`: place, complete, cancel (agreed or late);
- `deliveries`: requirements, deliveries, revision requests;
- `disputes`: open, thread, resolve;
- `deadlines`: auto-complete, reminders, late flags, clearing (the `freelance.run_due` sweep);
- `money`: amounts, fee, ledger lines, the seller's balance;
- `offers`: custom offers and pre-order inquiries;
- `reviews`: reviews, replies, helpful votes;
- `favourites`, `portfolio`: the buyer's saved gigs, the seller's portfolio.
"""
