"""The statutory documents of SFS 2023:196 (lagen om kommuners ansvar för brottsförebyggande
arbete): the situation picture ("lägesbild", 4 §) and the action plan ("åtgärdsplan") of a
municipality or a district, built from the data and the work cycle (``data``), checked against what
the law and Brå's guidance ask (``requirements``), and written as tagged PDF/UA and DOCX (``render``)."""
