"""Demo content of the information pages, in English, Japanese, Spanish and French.

Written in our own words from the public record of the program (Executive Order 14320 of 23 July 2025 and
the International Trade Administration's notices of October 2025). Staff replace it in the admin.
"""

from __future__ import annotations

PAGES: dict[str, dict[str, tuple[str, str]]] = {
    "about": {
        "en": (
            "About the program",
            """The AI exports program promotes **full-stack AI export packages**: complete offers that a
foreign government or company can buy and deploy, rather than single products.

A package covers four layers:

- **Hardware**: AI chips, servers and accelerators, with data-center storage, cloud and networking;
- **Software and models**: AI models and systems, and applications for specific uses such as health
  care, education, agriculture or transportation;
- **Data**: data pipelines and labeling systems;
- **Security**: the cybersecurity measures that protect the models and systems.

Packages are put together by **industry-led consortia**. An anchor company leads each consortium and
submits its packages. Program staff review every package, check it against export controls, and publish
the selected ones in the [catalog](/catalog/).

*This portal is a demonstration. It is not operated by the U.S. government.*
""",
        ),
        "ja": (
            "プログラムについて",
            """AI輸出プログラムは、**フルスタックのAI輸出パッケージ**を推進します。単一の製品ではなく、
海外の政府や企業が購入してそのまま導入できる包括的な提案です。

パッケージは次の4つの層で構成されます。

- **ハードウェア**：AIチップ、サーバー、アクセラレーター、データセンターのストレージ、クラウド、ネットワーク
- **ソフトウェアとモデル**：AIモデルとシステム、医療・教育・農業・交通などの用途向けアプリケーション
- **データ**：データパイプラインとラベリングシステム
- **セキュリティ**：モデルとシステムを守るサイバーセキュリティ対策

パッケージは**業界主導のコンソーシアム**がまとめます。各コンソーシアムは中核企業（アンカー）が率い、
パッケージを提出します。プログラムの担当者がすべてのパッケージを審査し、輸出管理の観点から確認したうえで、
選ばれたものを[カタログ](/catalog/)に掲載します。

*このポータルはデモンストレーションです。米国政府が運営するものではありません。*
""",
        ),
        "es": (
            "Acerca del programa",
            """El programa de exportaciones de IA promueve **paquetes de exportación de IA completos**:
ofertas integrales que un gobierno o una empresa extranjera puede comprar e implantar, en lugar de
productos sueltos.

Un paquete abarca cuatro capas:

- **Hardware**: chips de IA, servidores y aceleradores, con almacenamiento de centros de datos, nube y redes;
- **Software y modelos**: modelos y sistemas de IA, y aplicaciones para usos concretos como la salud,
  la educación, la agricultura o el transporte;
- **Datos**: canalizaciones de datos y sistemas de etiquetado;
- **Seguridad**: las medidas de ciberseguridad que protegen los modelos y sistemas.

Los paquetes los preparan **consorcios liderados por la industria**. Una empresa ancla dirige cada
consorcio y presenta sus paquetes. El personal del programa revisa cada paquete, lo contrasta con los
controles de exportación y publica los seleccionados en el [catálogo](/catalog/).

*Este portal es una demostración. No lo opera el Gobierno de los Estados Unidos.*
""",
        ),
        "fr": (
            "À propos du programme",
            """Le programme d'exportations d'IA promeut des **offres d'IA complètes à l'exportation** :
des ensembles qu'un gouvernement ou une entreprise étrangère peut acheter et déployer, plutôt que des
produits isolés.

Une offre couvre quatre couches :

- **Matériel** : puces d'IA, serveurs et accélérateurs, avec le stockage des centres de données, le cloud
  et les réseaux ;
- **Logiciels et modèles** : modèles et systèmes d'IA, et applications pour des usages précis comme la
  santé, l'éducation, l'agriculture ou les transports ;
- **Données** : chaînes de traitement des données et systèmes d'annotation ;
- **Sécurité** : les mesures de cybersécurité qui protègent les modèles et les systèmes.

Les offres sont constituées par des **consortiums menés par l'industrie**. Une entreprise chef de file
dirige chaque consortium et soumet ses offres. L'équipe du programme examine chaque offre, la vérifie au
regard du contrôle des exportations et publie celles qui sont retenues dans le [catalogue](/catalog/).

*Ce portail est une démonstration. Il n'est pas exploité par le gouvernement des États-Unis.*
""",
        ),
    },
    "how-to-take-part": {
        "en": (
            "How to take part",
            """1. **Create an account** with your work e-mail address.
2. **Register your organization**: its legal name, country of headquarters, website, and whether it is
   owned or controlled from another country. Add your colleagues as admins or editors.
3. **Form or join a consortium.** The anchor member leads it; a company may belong to several consortia.
   Members tied to a country of concern cannot take part.
4. **Draft a package** step by step: overview, hardware, software and models, data, security, review.
   Every one of the four layers needs at least one component, and the hardware layer should be at least
   51 % U.S.-origin by value.
5. **Submit it.** Staff review it and check export-control eligibility country by country. You see their
   feedback on your dashboard, can revise and resubmit, and selected packages are published.

Buyers do not need an account: they browse the catalog and contact the consortia directly.
""",
        ),
        "ja": (
            "参加の方法",
            """1. 勤務先のメールアドレスで**アカウントを作成**します。
2. **組織を登録**します：正式名称、本社所在国、ウェブサイト、他国から所有または支配されているかどうか。
   同僚を管理者または編集者として追加できます。
3. **コンソーシアムを結成するか、参加**します。アンカー企業が主導し、1社が複数のコンソーシアムに参加できます。
   懸念国と結びついたメンバーは参加できません。
4. **パッケージを作成**します：概要、ハードウェア、ソフトウェアとモデル、データ、セキュリティ、確認の順に進みます。
   4つの層それぞれに少なくとも1つの構成要素が必要で、ハードウェア層は金額ベースで51％以上が米国製であることが求められます。
5. **提出**します。担当者が審査し、国ごとの輸出管理上の適格性を確認します。フィードバックはダッシュボードに表示され、
   修正して再提出できます。選ばれたパッケージが公開されます。

購入者はアカウント不要です。カタログを閲覧し、コンソーシアムに直接問い合わせることができます。
""",
        ),
        "es": (
            "Cómo participar",
            """1. **Cree una cuenta** con su dirección de correo electrónico profesional.
2. **Registre su organización**: razón social, país de la sede, sitio web y si está controlada o es
   propiedad de otro país. Añada a sus colegas como administradores o editores.
3. **Forme un consorcio o únase a uno.** El miembro ancla lo dirige; una empresa puede pertenecer a
   varios consorcios. No pueden participar miembros vinculados a un país de preocupación.
4. **Prepare un paquete** paso a paso: resumen, hardware, software y modelos, datos, seguridad, revisión.
   Cada una de las cuatro capas necesita al menos un componente, y la capa de hardware debe tener al menos
   un 51 % de origen estadounidense en valor.
5. **Preséntelo.** El personal lo revisa y comprueba la elegibilidad de exportación país por país. Verá
   sus comentarios en su panel, podrá corregirlo y volver a presentarlo; los paquetes seleccionados se publican.

Los compradores no necesitan cuenta: consultan el catálogo y contactan directamente con los consorcios.
""",
        ),
        "fr": (
            "Comment participer",
            """1. **Créez un compte** avec votre adresse électronique professionnelle.
2. **Enregistrez votre organisation** : raison sociale, pays du siège, site web, et si elle est détenue
   ou contrôlée depuis un autre pays. Ajoutez vos collègues comme administrateurs ou éditeurs.
3. **Formez un consortium ou rejoignez-en un.** Le membre chef de file le dirige ; une entreprise peut
   appartenir à plusieurs consortiums. Les membres liés à un pays préoccupant ne peuvent pas participer.
4. **Rédigez une offre** étape par étape : présentation, matériel, logiciels et modèles, données,
   sécurité, relecture. Chacune des quatre couches doit comporter au moins un composant, et la couche
   matérielle doit être d'origine américaine pour au moins 51 % de sa valeur.
5. **Soumettez-la.** L'équipe l'examine et vérifie l'admissibilité à l'exportation pays par pays. Vous
   voyez ses remarques sur votre tableau de bord, pouvez corriger et soumettre à nouveau ; les offres
   retenues sont publiées.

Les acheteurs n'ont pas besoin de compte : ils consultent le catalogue et contactent les consortiums.
""",
        ),
    },
    "faq": {
        "en": (
            "Frequently asked questions",
            """### Who can buy a package?
Foreign governments and companies. Whether a package can go to a given country depends on U.S. export
controls; each package page shows, country by country, whether it is eligible, needs a licence or is
prohibited, and why.

### Does taking part cost anything?
No. Registering an organization and submitting a package are free.

### How long does a review take?
Proposals are reviewed on a rolling basis. You see the status of your package on your dashboard.

### What is an RFI?
A request for information: the program asks the public questions and anyone may answer while it is open.
Confidential business information must be marked as such when you submit, with a reason.

### Who runs this site?
This portal is a demonstration built for a fictional program. It is not operated by the U.S. government.
""",
        ),
        "ja": (
            "よくある質問",
            """### パッケージを購入できるのは誰ですか？
海外の政府と企業です。ある国にパッケージを提供できるかどうかは米国の輸出管理によって決まります。
各パッケージのページに、国ごとに「適格」「許可が必要」「禁止」のいずれかとその理由が表示されます。

### 参加に費用はかかりますか？
かかりません。組織の登録とパッケージの提出は無料です。

### 審査にはどのくらいかかりますか？
提案は随時審査されます。パッケージの状況はダッシュボードで確認できます。

### RFIとは何ですか？
情報提供依頼（Request for Information）のことです。プログラムが一般に質問を公開し、受付期間中は誰でも回答できます。
企業秘密情報は、提出時にその旨と理由を明記する必要があります。

### このサイトを運営しているのは誰ですか？
このポータルは架空のプログラムのために作られたデモンストレーションです。米国政府が運営するものではありません。
""",
        ),
        "es": (
            "Preguntas frecuentes",
            """### ¿Quién puede comprar un paquete?
Gobiernos y empresas extranjeros. Que un paquete pueda ir a un país determinado depende de los
controles de exportación de EE. UU.; la página de cada paquete indica, país por país, si es elegible,
si requiere licencia o si está prohibido, y por qué.

### ¿Participar cuesta algo?
No. Registrar una organización y presentar un paquete es gratuito.

### ¿Cuánto tarda una revisión?
Las propuestas se revisan de forma continua. Verá el estado de su paquete en su panel.

### ¿Qué es una RFI?
Una solicitud de información: el programa plantea preguntas al público y cualquiera puede responder
mientras está abierta. La información comercial confidencial debe marcarse como tal al enviarla, con una justificación.

### ¿Quién gestiona este sitio?
Este portal es una demostración creada para un programa ficticio. No lo opera el Gobierno de los Estados Unidos.
""",
        ),
        "fr": (
            "Questions fréquentes",
            """### Qui peut acheter une offre ?
Les gouvernements et entreprises étrangers. Qu'une offre puisse aller dans un pays donné dépend du
contrôle des exportations des États-Unis ; la page de chaque offre indique, pays par pays, si elle est
admissible, soumise à licence ou interdite, et pourquoi.

### La participation est-elle payante ?
Non. L'enregistrement d'une organisation et la soumission d'une offre sont gratuits.

### Combien de temps dure l'examen ?
Les propositions sont examinées au fil de l'eau. Vous suivez l'état de votre offre sur votre tableau de bord.

### Qu'est-ce qu'une RFI ?
Une demande d'informations : le programme pose des questions au public et chacun peut répondre tant
qu'elle est ouverte. Les informations commerciales confidentielles doivent être signalées comme telles
lors de l'envoi, avec une justification.

### Qui gère ce site ?
Ce portail est une démonstration conçue pour un programme fictif. Il n'est pas exploité par le
gouvernement des États-Unis.
""",
        ),
    },
}
