"""The development-set loaders of bench/devsets.py on small files of the real shapes."""
import json

from bench import devsets

HEADER = ("DOC_ID,law_id,law_name,hoofdstuk,hoofdstuk_titel,afdeling,afdeling_titel,paragraaf,paragraaf_titel,"
          "subparagraaf_titel,titel_titel,artikel,article_name,text\n")


def test_legal_set_maps_rows_to_articles_and_keeps_repeated_numbers_apart(tmp_path):
    (tmp_path / "knowledge_corpus_small.csv").write_text(
        HEADER
        + 'DOC0001,BWBR1,Wet een,,,,,,,,,Artikel 1,,"de eerste tekst."\n'
        + 'DOC0002,BWBR1,Wet een,,,,,,,,,Artikel 1,Kop,"een tweede artikel 1."\n'
        + 'DOC0003,BWBR2,Wet twee,,,,,,,,,Artikel 7,,"iets anders."\n', encoding="utf-8")
    (tmp_path / "queries_dev.tsv").write_text("1\tWat zegt de eerste tekst?\n3\tIets anders?\n", encoding="utf-8")
    (tmp_path / "qrels_dev.tsv").write_text("1\t0\tDOC0002\t1\n3\t0\tDOC0003\t1\n3\t0\tDOC0001\t0\n",
                                            encoding="utf-8")
    legal = devsets.legal_qa_set(tmp_path)
    assert [d.code for d in legal.documents] == ["BWBR1:1", "BWBR1:1 (DOC0002)", "BWBR2:7"]
    assert legal.documents[1].title.endswith("— Kop")
    assert legal.judged(["BWBR1:1 (DOC0002)", "BWBR2:7"]) == ["DOC0002", "DOC0003"]
    assert [(q.id, q.judgements) for q in legal.queries] == [("legal-1", {"DOC0002": 1}), ("legal-3", {"DOC0003": 1})]


def test_own_legal_questions_run_over_the_legal_sets_articles(tmp_path):
    (tmp_path / "knowledge_corpus_small.csv").write_text(
        HEADER + 'DOC0001,BWBR1,Wet een,,,,,,,,,Artikel 1,,"de eerste tekst."\n'
        + 'DOC0002,BWBR1,Wet een,,,,,,,,,Artikel 2,,"een tweede artikel."\n', encoding="utf-8")
    questions = tmp_path / "legal_queries.jsonl"
    questions.write_text(
        json.dumps({"id": "lq01", "query": "Wat zegt artikel 2?", "judgements": {"DOC0002": 1, "DOC0001": 0},
                    "style": "close", "part": "held"}) + "\n"
        + json.dumps({"id": "lq02", "query": "Wat staat er eerst?", "judgements": {"DOC0001": 1},
                      "part": "tune"}) + "\n", encoding="utf-8")
    tune, held = devsets.own_legal_parts(tmp_path, questions)
    assert (tune.name, held.name) == ("own-legal-tune", "own-legal-held")
    assert held.scope == "articles" and [d.code for d in held.documents] == ["BWBR1:1", "BWBR1:2"]
    assert [(q.id, q.category, q.judgements) for q in held.queries] == [("lq01", "close", {"DOC0002": 1})]
    assert [(q.id, q.category) for q in tune.queries] == [("lq02", "question")]
    assert held.judged(["BWBR1:2"]) == ["DOC0002"]


def test_dekamer_known_item_and_descriptor_queries(tmp_path, monkeypatch):
    monkeypatch.setattr(devsets, "DESCRIPTOR_RECORDS", (2, 3))
    records = [
        {"doc_id": 1, "depotdat": "2017-01-04", "question": "Treinen te laat. \n\n Waarom rijden de treinen te laat?",
         "question_theme": ["VERVOER PER SPOOR"]},
        {"doc_id": 2, "depotdat": "2017-01-05", "question": "Treinen te laat. \n\n Waarom rijden de treinen te laat?",
         "question_theme": ["VERVOER PER SPOOR", "NMBS"]},
        {"doc_id": 3, "depotdat": "2017-02-01", "question": "Treinen te laat. \n\n Een andere vraag over vertraging.",
         "question_theme": []},
        # In the semantic ranker's training half (search/semantic.py: training_part): never indexed or judged.
        {"doc_id": 4, "depotdat": "2017-02-02", "question": "Trams te laat. \n\n Waarom rijden de trams te laat?",
         "question_theme": ["VERVOER PER SPOOR"]},
    ]
    path = tmp_path / "dekamer.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    kamer = devsets.dekamer_set(path)
    assert kamer.documents[0].title == "" and kamer.documents[0].body == "Waarom rijden de treinen te laat?"
    assert [d.code for d in kamer.documents] == ["K1", "K2", "K3"]
    known = [q for q in kamer.queries if q.category == "known-item"]
    assert [(q.query, q.judgements) for q in known] == [("Treinen te laat.", {"K1": 2, "K2": 2, "K3": 1})]
    descriptors = [q for q in kamer.queries if q.category == "descriptor"]
    assert [(q.query, q.judgements) for q in descriptors] == [("vervoer per spoor", {"K1": 1, "K2": 1})]
