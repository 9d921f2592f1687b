# Keeps the months argument but always multiplies the bills by 6.
# replaces: records_by_source
# loses: records_by_source_counts
def records_by_source(population, transactions, friendships, months, channel="platform"):
    ids = population["consumer_id"]
    payments = transactions if channel == "all" else \
        transactions[transactions["channel"] == "platform"]
    ends = pd.concat([friendships["consumer_id"], friendships["friend_id"]])
    flags = ["verified_id", "verified_degree", "verified_car", "verified_property"]
    table = pd.DataFrame({
        "payments": payments["consumer_id"].value_counts().reindex(ids, fill_value=0).to_numpy(),
        "bills": population["bills_on_platform"].to_numpy() * 6,
        "identity": population[flags].sum(axis=1).to_numpy() + 1,
        "friendships": ends.value_counts().reindex(ids, fill_value=0).to_numpy(),
    }, index=pd.Index(ids, name="consumer_id")).astype(int)
    table["total"] = table.sum(axis=1)
    return table


platform_records = records_by_source(population, transactions, friendships, 6)
all_records = records_by_source(population, transactions, friendships, 6, channel="all")
group = population["hukou"].astype(str).to_numpy()
seen_share_by_hukou = {
    name: float(platform_records["total"][group == name].mean()
                / all_records["total"][group == name].mean())
    for name in ["local", "migrant"]}
