"""Swedish documents the project wrote in the archive's genres, as gold text for
OCR and repair fixtures. Invented matters, real conventions: headings, §, dnr,
dates in both forms, names of places, people and public bodies."""

PROTOKOLL = """\
Protokoll
Socialnämnden
Sammanträdesdatum 2021-03-17

§ 42 Överenskommelse om samverkan kring äldreomsorg i Tyresö och Värmdö
Dnr SN 2021/118

Beslut
Socialnämnden godkänner överenskommelsen om samverkan kring äldreomsorg
mellan Tyresö kommun, Värmdö kommun och Region Stockholm.

Ärendet
Förvaltningen har under hösten förhandlat fram en överenskommelse som
tydliggör ansvaret för hemsjukvård, rehabilitering och hjälpmedel. Syftet är
att den enskilde ska få en sammanhållen vård oavsett huvudman. Överenskommelsen
gäller från och med den 1 maj 2021 och följs upp årligen av en gemensam
ledningsgrupp.

Överläggning
Ordföranden Åsa Sjöström (S) föreslår att nämnden godkänner överenskommelsen.
Jörgen Öberg (M) yrkar att uppföljningen ska redovisas för nämnden två gånger
per år. Ordföranden ställer förslagen mot varandra och finner att nämnden
beslutar enligt ordförandens förslag.

Justering
Justerare: Märta Ekström
Justeringen äger rum på socialförvaltningen den 24 mars 2021.
"""

TJANSTEUTLATANDE = """\
Tjänsteutlåtande
Utbildningsförvaltningen
Handläggare: Göran Lindqvist
Datum: 2019-11-04
Dnr UBN 2019/0456

Förskolelokaler i Flemingsberg

Förslag till beslut
Utbildningsnämnden ger förvaltningen i uppdrag att utreda förutsättningarna
för nya förskolelokaler i Flemingsberg och återkomma med ett förslag senast
i juni 2020.

Sammanfattning
Antalet barn i förskoleåldern väntas öka med drygt tjugo procent fram till år
2025. Befintliga lokaler är trånga och flera av dem behöver renoveras. En
översyn visar att behovet är störst i de södra delarna av området, nära
Södertörns högskola och Karolinska universitetssjukhuset.

Ärendet
Förvaltningen har inventerat lokalerna tillsammans med fastighetsavdelningen.
Översynen omfattar tolv förskolor med sammanlagt 86 avdelningar. Kostnaden
för en ny förskola med åtta avdelningar beräknas till 62 miljoner kronor.
"""

AVTAL = """\
Samverkansavtal
mellan Botkyrka kommun och Stiftelsen Äldrecentrum

Parter
Botkyrka kommun, org.nr 212000-0029, nedan kallad kommunen.
Stiftelsen Äldrecentrum, org.nr 802019-9524, nedan kallad Äldrecentrum.

Bakgrund och syfte
Parterna vill gemensamt stärka kunskapen om åldrande och omsorg. Avtalet
reglerar hur kommunens verksamheter och Äldrecentrums forskare samarbetar
kring utvärderingar, utbildning och spridning av resultat.

Åtaganden
Kommunen ställer personal och underlag till förfogande för gemensamma
studier. Äldrecentrum ansvarar för att studierna följer god forskningssed och
att resultaten återförs till verksamheterna på ett begripligt sätt.

Avtalstid
Avtalet gäller från och med den 1 januari 2022 till och med den 31 december
2024. Uppsägning ska ske skriftligt senast sex månader före avtalstidens slut.
"""

GENRE_TEXTS = {"protokoll": PROTOKOLL, "tjansteutlatande": TJANSTEUTLATANDE, "avtal": AVTAL}
