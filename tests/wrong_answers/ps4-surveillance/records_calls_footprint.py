# Shortcut: hands the counting to the package's course.footprint.
# replaces: records_by_source
# loses: records_by_source_counts
# caught-by: hidden
def records_by_source(population, transactions, friendships, months, channel="platform"):
    return course.footprint(population, transactions, friendships, channel=channel,
                            months=months)


platform_records = records_by_source(population, transactions, friendships, 6)
all_records = records_by_source(population, transactions, friendships, 6, channel="all")
group = population["hukou"].astype(str).to_numpy()
seen_share_by_hukou = {
    name: float(platform_records["total"][group == name].mean()
                / all_records["total"][group == name].mean())
    for name in ["local", "migrant"]}
