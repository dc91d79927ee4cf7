"""Short news paragraphs written for the language tests (never corpus text), by ISO 639-1 code."""

from __future__ import annotations

#: One invented news paragraph in each language spinscope is trained on.
SUPPORTED_TEXTS = {
    "en": (
        "The town council of Marlow voted on Tuesday to close the old ferry terminal by the end "
        "of the year. Opponents called the decision reckless and promised to challenge it in "
        "court. The mayor said the savings would pay for two new schools."
    ),
    "fr": (
        "Le conseil municipal de Roubaix a voté mardi la fermeture de l'ancienne gare routière "
        "d'ici la fin de l'année. Les opposants ont qualifié cette décision d'irresponsable et "
        "promettent de la contester devant les tribunaux. Selon le maire, les économies "
        "financeront deux nouvelles écoles."
    ),
    "de": (
        "Der Stadtrat von Kassel hat am Dienstag beschlossen, den alten Busbahnhof bis zum "
        "Jahresende zu schließen. Die Gegner nannten die Entscheidung leichtsinnig und kündigten "
        "eine Klage an. Nach Angaben des Bürgermeisters sollen mit den Einsparungen zwei neue "
        "Schulen gebaut werden."
    ),
    "it": (
        "Il consiglio comunale di Ancona ha votato martedì la chiusura della vecchia stazione "
        "degli autobus entro la fine dell'anno. Gli oppositori hanno definito la decisione "
        "irresponsabile e hanno promesso di impugnarla in tribunale. Secondo il sindaco, i "
        "risparmi serviranno a costruire due nuove scuole."
    ),
    "pl": (
        "Rada miasta Torunia zagłosowała we wtorek za zamknięciem starego dworca autobusowego "
        "do końca roku. Przeciwnicy nazwali tę decyzję lekkomyślną i zapowiedzieli, że zaskarżą "
        "ją do sądu. Według burmistrza oszczędności pozwolą zbudować dwie nowe szkoły."
    ),
    "ru": (
        "Городской совет Твери во вторник проголосовал за закрытие старого автовокзала до конца "
        "года. Противники назвали это решение безответственным и пообещали оспорить его в суде. "
        "По словам мэра, сэкономленные средства пойдут на строительство двух новых школ."
    ),
}

#: The same story in languages spinscope is not trained on.
OTHER_TEXTS = {
    "es": (
        "El ayuntamiento de Cádiz votó el martes el cierre de la antigua estación de autobuses "
        "antes de fin de año. Los opositores calificaron la decisión de irresponsable y "
        "prometieron recurrirla en los tribunales."
    ),
    "uk": (
        "Міська рада Полтави у вівторок проголосувала за закриття старого автовокзалу до кінця "
        "року. Противники назвали це рішення безвідповідальним і пообіцяли оскаржити його в суді."
    ),
    "zh": (
        "市议会周二投票决定在年底前关闭旧的长途汽车站。反对者称这一决定不负责任，并承诺将在法庭上"
        "提出质疑。市长表示，节省下来的资金将用于建造两所新学校。"
    ),
    "ar": (
        "صوّت مجلس المدينة يوم الثلاثاء على إغلاق محطة الحافلات القديمة قبل نهاية العام. ووصف "
        "المعارضون القرار بأنه غير مسؤول وتعهدوا بالطعن فيه أمام المحاكم."
    ),
}

#: Mostly French (two paragraphs), with one English paragraph.
MIXED_TEXT = "\n\n".join(
    [
        SUPPORTED_TEXTS["fr"],
        "Les habitants du quartier de la gare ont organisé une réunion publique jeudi soir pour "
        "discuter des conséquences de la fermeture sur les commerces et les transports.",
        SUPPORTED_TEXTS["en"],
    ]
)

#: No letters at all: digits, symbols and emoji.
NO_LETTERS_TEXT = "2024 — 3,5 % 📈📉 +12 / -7 🚀🚀 #### 123 456 789 ✅ ⚠️ 42"
