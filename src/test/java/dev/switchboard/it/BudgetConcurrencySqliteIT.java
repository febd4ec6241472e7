package dev.switchboard.it;

/** The concurrency cap on the embedded SQLite store (each test gateway gets its own file). */
class BudgetConcurrencySqliteIT extends BudgetConcurrencyContract {
    @Override
    String databaseSettings() { return ""; }
}
