"""The words the query and partition benchmarks ask for, so that their figures are of one search.

Words as the bench corpus (bench/generate.py, recombined seed sentences) and seeds/ use them:
"Korea" is in about half of all sentences, "Vostochny" (the cosmodrome) in a handful. The quotes
make "Kim Jong Un" a phrase (plugins/search_query.py); "pertemuan" stems to temu, so "bertemu"
matches too.
"""

SEARCHES = {
    "common word": "Korea",
    "rare name": "Vostochny",
    "phrase": '"Kim Jong Un"',
    "stemmed form": "pertemuan",
}
MAP_QUERY = "Kim Jong Un"
