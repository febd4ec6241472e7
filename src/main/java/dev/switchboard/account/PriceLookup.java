package dev.switchboard.account;

/** The outcome of a price lookup: a price, or "unpriced" with why. */
public record PriceLookup(ModelPrice price, String unpricedReason) {

    public PriceLookup {
        if ((price == null) == (unpricedReason == null)) {
            throw new IllegalArgumentException("a lookup has either a price or a reason it has none");
        }
    }

    public static PriceLookup priced(ModelPrice price) { return new PriceLookup(price, null); }

    public static PriceLookup unpriced(String reason) { return new PriceLookup(null, reason); }

    public boolean priced() { return price != null; }
}
