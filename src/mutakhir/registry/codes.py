"""Code lists of the household questionnaire, kept as data in one place (CODES.md).

Modelled on the PBDT 2015 / DTKS verification form and the Regsosek-style family form; the official
DTSEN numeric codes are not public, so a deployment may replace these lists. Each label is bilingual
and follows the active language.
"""

from dataclasses import dataclass

from django.utils.functional import lazy
from django.utils.translation import get_language


def _pick(id_label: str, en_label: str) -> str:
    return en_label if (get_language() or "id").startswith("en") else id_label


bilingual = lazy(_pick, str)


@dataclass(frozen=True)
class CodeList:
    field: str
    item: str  # item number on the printed form, "" where none
    codes: tuple[tuple[int, str, str], ...]  # (code, Indonesian, English)

    @property
    def choices(self):
        return [(code, bilingual(id_label, en_label)) for code, id_label, en_label in self.codes]

    @property
    def values(self) -> frozenset[int]:
        return frozenset(code for code, _, _ in self.codes)


def _cl(field, item, *codes):
    return CodeList(field, item, tuple(codes))


TENURE = _cl(
    "tenure", "301a",
    (1, "Milik sendiri", "Own"), (2, "Kontrak/sewa", "Contract/rent"), (3, "Bebas sewa", "Rent-free"),
    (4, "Dinas", "Official housing"), (5, "Lainnya", "Other"),
)
LAND_TITLE = _cl(
    "land_title", "301b",
    (1, "SHM atas nama anggota keluarga", "SHM certificate, a member's name"),
    (2, "SHM bukan atas nama anggota keluarga", "SHM certificate, another name"),
    (3, "SHM lainnya", "SHM certificate, other"), (4, "Sertifikat selain SHM", "Other certificate"),
    (5, "Surat bukti lainnya (girik, letter C)", "Other proof (girik, letter C)"),
    (6, "Tidak punya", "None"),
)
FLOOR = _cl(
    "floor_material", "303",
    (1, "Marmer/granit", "Marble/granite"), (2, "Keramik", "Ceramic"),
    (3, "Parket/vinil/karpet", "Parquet/vinyl/carpet"), (4, "Ubin/tegel/teraso", "Tile/terrazzo"),
    (5, "Kayu/papan", "Wood/board"), (6, "Semen/bata merah", "Cement/red brick"), (7, "Bambu", "Bamboo"),
    (8, "Tanah", "Earth"), (9, "Lainnya", "Other"),
)
WALL = _cl(
    "wall_material", "304",
    (1, "Tembok", "Masonry"), (2, "Plesteran anyaman bambu/kawat", "Plastered woven bamboo/wire"),
    (3, "Kayu/papan/gipsum/GRC", "Wood/board/gypsum/GRC"), (4, "Anyaman bambu", "Woven bamboo"),
    (5, "Batang kayu", "Logs"), (6, "Bambu", "Bamboo"), (7, "Lainnya", "Other"),
)
ROOF = _cl(
    "roof_material", "305",
    (1, "Beton", "Concrete"), (2, "Genteng", "Roof tile"), (3, "Seng", "Zinc sheet"),
    (4, "Asbes", "Asbestos"), (5, "Bambu", "Bamboo"), (6, "Kayu/sirap", "Wood/shingle"),
    (7, "Jerami/ijuk/daun-daunan/rumbia", "Straw/palm fibre/leaves"), (8, "Lainnya", "Other"),
)
WATER = _cl(
    "water_source", "306a",
    (1, "Air kemasan bermerk", "Bottled (brand)"), (2, "Air isi ulang", "Refill"),
    (3, "Leding", "Piped"), (4, "Sumur bor/pompa", "Bore well/pump"), (5, "Sumur terlindung", "Protected well"),
    (6, "Sumur tak terlindung", "Unprotected well"), (7, "Mata air terlindung", "Protected spring"),
    (8, "Mata air tak terlindung", "Unprotected spring"),
    (9, "Air permukaan (sungai/danau/waduk/kolam/irigasi)", "Surface water"),
    (10, "Air hujan", "Rain water"), (11, "Lainnya", "Other"),
)
LIGHTING = _cl(
    "lighting", "307a",
    (1, "Listrik PLN dengan meteran", "PLN electricity with meter"),
    (2, "Listrik PLN tanpa meteran", "PLN electricity without meter"),
    (3, "Listrik non-PLN", "Non-PLN electricity"), (4, "Bukan listrik", "Not electricity"),
)
POWER = _cl(
    "electricity_power", "307b",
    (1, "450 watt", "450 W"), (2, "900 watt", "900 W"), (3, "1.300 watt", "1,300 W"),
    (4, "2.200 watt", "2,200 W"), (5, "> 2.200 watt", "> 2,200 W"),
)
COOKING_FUEL = _cl(
    "cooking_fuel", "308",
    (1, "Listrik", "Electricity"), (2, "Elpiji 5,5 kg/blue gaz", "LPG 5.5 kg"), (3, "Elpiji 12 kg", "LPG 12 kg"),
    (4, "Elpiji 3 kg", "LPG 3 kg"), (5, "Gas kota", "Piped gas"), (6, "Biogas", "Biogas"),
    (7, "Minyak tanah", "Kerosene"), (8, "Briket", "Briquettes"), (9, "Arang", "Charcoal"),
    (10, "Kayu bakar", "Firewood"), (11, "Lainnya", "Other"), (0, "Tidak memasak di rumah", "Does not cook"),
)
TOILET = _cl(
    "toilet", "309a",
    (1, "Ada, digunakan hanya anggota keluarga sendiri", "Own"),
    (2, "Ada, digunakan bersama anggota keluarga tertentu", "Shared with specific households"),
    (3, "Ada, di MCK komunal", "Communal"), (4, "Ada, di MCK umum/siapa pun", "Public"),
    (5, "Ada, tidak digunakan", "Exists but unused"), (6, "Tidak ada fasilitas", "None"),
)
TOILET_TYPE = _cl(
    "toilet_type", "309b",
    (1, "Leher angsa", "Goose-neck"), (2, "Plengsengan dengan tutup", "Squat plate with lid"),
    (3, "Plengsengan tanpa tutup", "Squat plate without lid"), (4, "Cemplung/cubluk", "Pit"),
)
SEWAGE = _cl(
    "sewage", "310",
    (1, "Tangki septik", "Septic tank"), (2, "IPAL", "Treatment plant (IPAL)"),
    (3, "Kolam/sawah/sungai/danau/laut", "Pond/rice field/river/lake/sea"),
    (4, "Lubang tanah", "Hole in the ground"), (5, "Pantai/tanah lapang/kebun", "Beach/open field/garden"),
    (6, "Lainnya", "Other"),
)
RELATION = _cl(
    "relation", "",
    (1, "Kepala rumah tangga", "Head"), (2, "Istri/suami", "Spouse"), (3, "Anak", "Child"),
    (4, "Menantu", "Child-in-law"), (5, "Cucu", "Grandchild"), (6, "Orang tua/mertua", "Parent or parent-in-law"),
    (7, "Pembantu rumah tangga", "Household help"), (8, "Lainnya", "Other"),
)
SEX = _cl("sex", "", (1, "Laki-laki", "Male"), (2, "Perempuan", "Female"))
MARITAL_STATUS = _cl(
    "marital_status", "",
    (1, "Belum kawin", "Never married"), (2, "Kawin", "Married"), (3, "Cerai hidup", "Divorced"),
    (4, "Cerai mati", "Widowed"),
)
SCHOOL_ATTENDANCE = _cl(
    "school_attendance", "",
    (0, "Tidak/belum pernah sekolah", "Never attended"), (1, "Masih sekolah", "Attending"),
    (2, "Tidak bersekolah lagi", "No longer attending"),
)
EDUCATION = _cl(
    "education", "",
    (0, "Tidak punya ijazah", "No diploma"), (1, "SD/sederajat", "Primary"), (2, "SMP/sederajat", "Junior secondary"),
    (3, "SMA/sederajat", "Senior secondary"), (4, "Diploma I/II/III", "Diploma I-III"),
    (5, "D4/S1", "Bachelor"), (6, "S2/S3", "Postgraduate"),
)
WORK_STATUS = _cl(
    "work_status", "",
    (0, "Tidak bekerja", "Not working"), (1, "Berusaha sendiri", "Own-account"),
    (2, "Berusaha dibantu buruh tidak tetap", "Employer with temporary workers"),
    (3, "Berusaha dibantu buruh tetap", "Employer with permanent workers"),
    (4, "Buruh/karyawan/pegawai", "Employee"), (5, "Pekerja bebas", "Casual worker"),
    (6, "Pekerja keluarga/tidak dibayar", "Unpaid family worker"),
)
WORK_SECTOR = _cl(
    "work_sector", "",
    (1, "Pertanian tanaman pangan", "Food crops"), (2, "Hortikultura", "Horticulture"),
    (3, "Perkebunan", "Plantations"), (4, "Perikanan", "Fisheries"), (5, "Peternakan", "Livestock"),
    (6, "Kehutanan", "Forestry"), (7, "Pertambangan/penggalian", "Mining/quarrying"),
    (8, "Industri pengolahan", "Manufacturing"), (9, "Listrik dan gas", "Electricity and gas"),
    (10, "Konstruksi", "Construction"), (11, "Perdagangan", "Trade"),
    (12, "Hotel dan rumah makan", "Hotels and restaurants"), (13, "Transportasi dan pergudangan", "Transport"),
    (14, "Informasi dan komunikasi", "Information and communication"), (15, "Keuangan dan asuransi", "Finance"),
    (16, "Jasa pendidikan", "Education"), (17, "Jasa kesehatan", "Health"),
    (18, "Jasa kemasyarakatan/pemerintahan/perorangan", "Public and personal services"),
    (19, "Lainnya", "Other"),
)
DISABILITY = _cl(
    "disability", "",
    (0, "Tidak ada", "None"), (1, "Penglihatan", "Seeing"), (2, "Pendengaran", "Hearing"),
    (3, "Berjalan/naik tangga", "Walking/climbing"), (4, "Menggunakan tangan/jari", "Using hands"),
    (5, "Mengingat/berkonsentrasi", "Remembering/concentrating"), (6, "Mengurus diri sendiri", "Self-care"),
    (7, "Berkomunikasi", "Communicating"), (8, "Ganda (lebih dari satu)", "Multiple"),
)
CHRONIC_ILLNESS = _cl(
    "chronic_illness", "",
    (0, "Tidak ada", "None"), (1, "Hipertensi", "Hypertension"), (2, "Rematik", "Rheumatism"),
    (3, "Asma", "Asthma"), (4, "Masalah jantung", "Heart disease"), (5, "Diabetes", "Diabetes"),
    (6, "Tuberkulosis (TBC)", "Tuberculosis"), (7, "Stroke", "Stroke"), (8, "Kanker/tumor", "Cancer"),
    (9, "Lainnya (gagal ginjal, paru-paru, dll.)", "Other (kidney failure, lung...)"),
)
PREGNANT = _cl("pregnant", "", (0, "Tidak", "No"), (1, "Ya", "Yes"))

# The PBDT 2015 form listed floors in a 10-code order; map them onto FLOOR when importing old BDT data.
PBDT2015_FLOOR_TO_FLOOR = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 5, 9: 8, 10: 9}

HOUSEHOLD_CODE_LISTS = (TENURE, LAND_TITLE, FLOOR, WALL, ROOF, WATER, LIGHTING, POWER, COOKING_FUEL,
                        TOILET, TOILET_TYPE, SEWAGE)
MEMBER_CODE_LISTS = (SEX, RELATION, MARITAL_STATUS, SCHOOL_ATTENDANCE, EDUCATION, WORK_STATUS, WORK_SECTOR,
                     DISABILITY, CHRONIC_ILLNESS, PREGNANT)
BY_FIELD = {cl.field: cl for cl in HOUSEHOLD_CODE_LISTS + MEMBER_CODE_LISTS}
