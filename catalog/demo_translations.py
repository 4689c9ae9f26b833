"""Japanese, Spanish and French versions of several demo packages, so ``make dev`` shows multilingual content:
a buyer reading the site in one of these languages sees those packages in it, and "available in English only"
on the others. The texts are built from the same parts as the English titles (``catalog.sample_data``)."""

from __future__ import annotations

from django.utils import translation
from django.utils.text import slugify
from django_countries import countries

from catalog.models import ComponentTranslation, Package, PackageTranslation
from catalog.sample_data import ADJECTIVES, SECTOR_WORDS, SECTORS, STACKS, TARGETS, package_spec

# Which published demo packages (by number) have a version in which language.
VERSIONS = {"ja": [0, 1, 2, 3, 4, 5], "es": [0, 2, 4, 6, 8], "fr": [1, 3, 5, 7, 9]}

WORDS = {
    "ja": {
        "adjectives": ["ソブリン", "国家", "地域", "ターンキー", "トラステッド", "オープン", "セキュア", "グリーン"],
        "stacks": ["クラウド", "ファクトリー", "コンピュート基盤", "スタック", "推論ネットワーク"],
        "sectors": [
            "農業",
            "教育",
            "エネルギー",
            "金融",
            "行政",
            "医療",
            "製造",
            "開発者",
            "通信",
            "交通",
            "研究",
            "マルチセクター",
        ],  # fmt: skip
    },
    "es": {
        "adjectives": ["soberana", "nacional", "regional", "llave en mano", "confiable", "abierta", "segura", "verde"],
        "stacks": ["Nube de IA", "Fábrica de IA", "Plataforma de cómputo", "Pila de IA", "Red de inferencia"],
        "sectors": [
            "agricultura",
            "educación",
            "energía",
            "finanzas",
            "gobierno",
            "salud",
            "manufactura",
            "desarrolladores",
            "telecomunicaciones",
            "transporte",
            "investigación",
            "multisectorial",
        ],  # fmt: skip
    },
    "fr": {
        "adjectives": [
            "souverain",
            "national",
            "régional",
            "clé en main",
            "de confiance",
            "ouvert",
            "sécurisé",
            "vert",
        ],
        "stacks": ["Cloud IA", "Usine IA", "Plateforme de calcul", "Pile IA", "Réseau d’inférence"],
        "sectors": [
            "agriculture",
            "éducation",
            "énergie",
            "finance",
            "administration",
            "santé",
            "industrie",
            "développeurs",
            "télécoms",
            "transports",
            "recherche",
            "multisectoriel",
        ],  # fmt: skip
    },
}

COMPONENT_NAMES = {
    "ja": {
        "Redwood RX-900 accelerator": "Redwood RX-900 アクセラレータ",
        "Redwood RX-500 accelerator": "Redwood RX-500 アクセラレータ",
        "Helix L40 inference card": "Helix L40 推論カード",
        "8-GPU training server": "8 GPU 学習サーバー",
        "800G optical spine switch": "800G 光スパインスイッチ",
        "20 MW modular data hall": "20 MW モジュール型データホール",
        "Cascade-70B multilingual model": "Cascade-70B 多言語モデル",
        "Streaming ingestion pipeline": "ストリーミング取り込みパイプライン",
        "Multilingual labeling service": "多言語ラベリングサービス",
        "Data residency and lineage vault": "データ所在地・来歴管理ボールト",
        "24/7 security operations center": "24 時間 365 日のセキュリティ運用センター",
        "Red-teaming and model evaluation": "レッドチーミングとモデル評価",
        "Hardware provenance attestation": "ハードウェア来歴の証明",
        "Differential-privacy toolkit": "差分プライバシー ツールキット",
    },
}


def _texts(language: str, index: int) -> dict[str, str]:
    words = WORDS[language]
    sector = SECTORS[index % len(SECTORS)]
    sector_word = words["sectors"][list(SECTOR_WORDS).index(sector)]
    adjective, stack = words["adjectives"][index % len(ADJECTIVES)], words["stacks"][index % len(STACKS)]
    with translation.override(language):
        country = str(countries.name(TARGETS[(index * 7) % len(TARGETS)]))
    if language == "ja":
        title = f"{country}向け {sector_word}AI {adjective}{stack}"  # number 0: …AI ソブリンクラウド (the search hint)
        summary = (f"{country}の{sector_word}分野に向けた GPU 計算資源、モデル、データサービスとセキュリティ。"
                   "現地のパートナーと共に構築・資金調達・運用します。")  # fmt: skip
        description = summary + "コンソーシアムは現地の人材を育成し、運用を引き継ぎます。"
    elif language == "es":
        title = f"{stack} {adjective} de {sector_word} para {country}"
        summary = (f"Cómputo GPU, modelos, servicios de datos y seguridad para {sector_word} en {country}, "
                   "construidos, financiados y operados con socios locales.")  # fmt: skip
        description = summary + " El consorcio forma al personal local y le transfiere la operación."
    else:
        title = f"{stack} {adjective} ({sector_word}) pour {country}"
        summary = (f"Calcul GPU, modèles, services de données et sécurité pour le secteur « {sector_word} » "
                   f"({country}), construits, financés et exploités avec des partenaires locaux.")  # fmt: skip
        description = summary + " Le consortium forme le personnel local et lui transfère l’exploitation."
    return {"title": title[:200], "summary": summary[:500], "description": description}


def load_translations() -> int:
    """Create or refresh the versions (idempotent); returns how many package versions exist afterwards."""
    for language, numbers in VERSIONS.items():
        for index in numbers:
            package = Package.objects.filter(slug=slugify(package_spec(index)["title"])[:200]).first()
            if package is None:
                continue
            PackageTranslation.objects.update_or_create(
                package=package, language=language, defaults=_texts(language, index)
            )
            for component in package.components.all():
                name = COMPONENT_NAMES.get(language, {}).get(component.name)
                if name:
                    ComponentTranslation.objects.update_or_create(
                        component=component, language=language, defaults={"name": name}
                    )
    return PackageTranslation.objects.count()
