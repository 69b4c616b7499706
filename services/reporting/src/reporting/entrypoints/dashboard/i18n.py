# ruff: noqa: RUF001  (Kazakh and Russian words are written in Cyrillic on purpose)
"""The dashboard's words in Kazakh, Russian and English, and how numbers are written in each."""

from __future__ import annotations

from typing import Literal

Lang = Literal["kk", "ru", "en"]
LANGUAGES: tuple[Lang, ...] = ("kk", "ru", "en")
LANGUAGE_NAMES: dict[Lang, str] = {"kk": "Қазақша", "ru": "Русский", "en": "English"}

_LABELS: dict[str, tuple[str, str, str]] = {
    # key: (kk, ru, en)
    "title": (
        "Маусымдық жұмысшылар: бақылау тақтасы",
        "Сезонные работники: панель мониторинга",
        "Seasonal workers: journey dashboard",
    ),
    "scope": ("Қамту", "Охват", "Scope"),
    "all_organisations": ("Барлық ұйымдар", "Все организации", "All organisations"),
    "own_workers": ("Ұйымның жұмысшылары", "Работники организации", "Your organisation's workers"),
    "operator_workers": (
        "Операторға орналастырылған жұмысшылар",
        "Работники, направленные к оператору",
        "Workers placed with your organisation",
    ),
    "season": ("Маусым", "Сезон", "Season"),
    "all_seasons": ("Барлық маусымдар", "Все сезоны", "All seasons"),
    "region": ("Өңір", "Регион", "Region"),
    "all_regions": ("Барлық өңірлер", "Все регионы", "All regions"),
    "key_figures": ("Негізгі көрсеткіштер", "Основные показатели", "Key figures"),
    "funnel": ("Кезеңдер воронкасы", "Воронка этапов", "Journey funnel"),
    "registered": ("Тіркелген", "Зарегистрированы", "Registered"),
    "screened": ("Тексеруден өткен", "Прошли проверку", "Screened"),
    "oriented": ("Бағдарлаудан өткен", "Прошли ориентацию", "Oriented"),
    "matched": ("Жұмыс беруші табылған", "Подобран работодатель", "Matched with an employer"),
    "visa_submitted": ("Визаға өтініш берген", "Подали на визу", "Applied for a visa"),
    "visa_granted": ("Виза берілген", "Виза выдана", "Visa granted"),
    "departed": ("Жолға шыққан", "Выехали", "Departed"),
    "arrived": ("Ұлыбританияға келген", "Прибыли в Великобританию", "Arrived in the UK"),
    "returned": ("Елге оралған", "Вернулись", "Returned"),
    "withdrawn": ("Бас тартқан", "Выбыли", "Withdrawn"),
    "visas_over_time": (
        "Айлар бойынша виза шешімдері",
        "Визовые решения по месяцам",
        "Visa decisions by month",
    ),
    "granted": ("Берілді", "Выдано", "Granted"),
    "refused": ("Бас тартылды", "Отказано", "Refused"),
    "approval_rate": ("Мақұлдау үлесі", "Доля одобрений", "Approval rate"),
    "median_days": (
        "Қарастыру мерзімінің медианасы, күн",
        "Медианный срок рассмотрения, дней",
        "Median processing time, days",
    ),
    "p90_days": ("90-процентиль, күн", "90-й процентиль, дней", "90th percentile, days"),
    "on_time_rate": ("Уақытында оралғандар", "Вернулись вовремя", "Returned on time"),
    "overstay_risks": ("Қайтпау қаупі", "Риски невозвращения", "Overstay risks"),
    "orientation_share": (
        "Бағдарлаудан өтіп, жолға шыққандар",
        "Выехавшие после ориентации",
        "Departed after orientation",
    ),
    "fee_breaches": (
        "Жұмысқа орналастыру ақысы алынған",
        "Взята плата за трудоустройство",
        "Recruitment fees charged",
    ),
    "open_grievances": ("Ашық шағымдар", "Открытые жалобы", "Open grievances"),
    "grievances": ("Шағымдар", "Жалобы", "Grievances"),
    "category": ("Санат", "Категория", "Category"),
    "total": ("Барлығы", "Всего", "Total"),
    "status_open": ("Ашық", "Открыта", "Open"),
    "status_referred": ("GLAA-ға жіберілген", "Передана в GLAA", "Referred to the GLAA"),
    "status_resolved": ("Шешілген", "Решена", "Resolved"),
    "category_wages": ("Жалақы", "Заработная плата", "Wages"),
    "category_housing": ("Тұрғын үй", "Жильё", "Housing"),
    "category_safety": ("Қауіпсіздік", "Безопасность", "Safety"),
    "category_harassment": ("Қысым көрсету", "Притеснения", "Harassment"),
    "category_recruitment_fee": (
        "Жұмысқа орналастыру ақысы",
        "Плата за трудоустройство",
        "Recruitment fee",
    ),
    "category_document_retention": (
        "Құжаттарды ұстап қалу",
        "Удержание документов",
        "Documents withheld",
    ),
    "category_other": ("Басқа", "Другое", "Other"),
    "by_region": ("Өңірлер бойынша", "По регионам", "By region"),
    "by_season": ("Маусымдар бойынша", "По сезонам", "By season"),
    "no_data": ("Әзірге деректер жоқ", "Данных пока нет", "No data yet"),
    "unknown": ("Белгісіз", "Не указано", "Unknown"),
    "language": ("Тіл", "Язык", "Language"),
    "note": (
        "Көрсеткіштер оқиғалардан есептеледі; әр жұмысшы әр маусымда бір рет саналады. "
        "Жеке деректер көрсетілмейді.",
        "Показатели рассчитаны по событиям; каждый работник учитывается один раз за сезон. "
        "Персональные данные не показываются.",
        "Figures are computed from events; each worker counts once per season. "
        "No personal data is shown.",
    ),
    "expires": ("Сілтеме жарамды", "Ссылка действует до", "This link works until"),
}

_INDEX: dict[Lang, int] = {"kk": 0, "ru": 1, "en": 2}


def labels(lang: Lang) -> dict[str, str]:
    return {key: words[_INDEX[lang]] for key, words in _LABELS.items()}


def number(value: float | int | None, lang: Lang, places: int = 0) -> str:
    """1234 -> "1234"; decimals with a point in English and a comma in Kazakh and Russian."""
    if value is None:
        return "—"
    text = f"{value:.{places}f}"
    return text if lang == "en" else text.replace(".", ",")


def percent(share: float | None, lang: Lang) -> str:
    """0.9453 -> "94.5%" (en) or "94,5%" (kk, ru)."""
    if share is None:
        return "—"
    return number(share * 100, lang, 1) + "%"
