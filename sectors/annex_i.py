"""Reference data of the sectors of assistance, read from MC/2355 (the data migrations load it).

The Annex I diagrams were images and are lost; what is kept here is what the text says:

* ``SECTORS``: the 15 sectors of paragraph 10, numbered as there, with their purpose ("To ...")
  in English (the seed's own words), French and Spanish; ``SECTORS_AR``, ``SYSTEMS_AR`` and
  ``CLUSTERS_AR`` give them in Arabic.
* ``SYSTEMS`` and ``CLUSTERS``: the legend of every Annex I diagram (SYSTEMS; Clusters; Other
  Clusters/Sectors/Groups), with IASC cluster codes.
* ``SECTOR_LINKS``: each sector's clusters and systems, read from the sector's own description
  (paragraph 10) and from paragraphs 14-17 of the main text; the reason is given per sector.
* ``MATRIX``: for each scenario (crisis type) and phase, the sectors its paragraph names and how
  strongly. Annex I paragraph 3 defines the degrees: critical sectors are "most essential",
  important ones "play a significant role", recommended ones "support and strengthen the critical
  and important sectors". The words of the text are read accordingly: "crucial", "critical",
  "essential", "life-saving", "will require", or being what the phase "primarily focus[es] on"
  -> critical; "important", "significant", "necessary" when it depends on a condition -> important;
  named as something that "can also" support or "be considered" -> recommended. A sector the
  paragraph does not name is not applicable (paragraph 3: "Not all sectors apply equally in all
  types of crises"). Each named cell keeps the sentence it rests on (``basis``) and its paragraph.

After the first migration, the matrix is HQ's to change (with a reason, kept in history);
this module is the starting point, not a place to edit a deployed matrix.
"""

from __future__ import annotations

CRITICAL = "critical"
IMPORTANT = "important"
RECOMMENDED = "recommended"
NOT_APPLICABLE = "not_applicable"

CRISIS_TYPES = ("man_made", "sudden_natural", "slow_natural", "protracted", "health")
PHASES = ("before", "during", "after")

# Systems of the diagrams' legend (main text paragraphs 14-17).
# code, order, English, French, Spanish
SYSTEMS = [
    ("cluster", 1, "Cluster system (OCHA)", "Système des clusters (OCHA)", "Sistema de clústeres (OCHA)"),
    (
        "refugee",
        2,
        "Refugee regime (UNHCR)",
        "Régime de protection des réfugiés (HCR)",
        "Régimen de los refugiados (ACNUR)",
    ),
    ("development", 3, "Development actors (UNDP)", "Acteurs du développement (PNUD)", "Actores del desarrollo (PNUD)"),
    (
        "security",
        4,
        "Security and peacebuilding actors",
        "Acteurs de la sécurité et de la consolidation de la paix",
        "Actores de la seguridad y la consolidación de la paz",
    ),
]

# The ten IASC clusters, the areas of responsibility of the Protection cluster and the other groups
# of the diagrams' legend. code, kind, parent code, order, English, French, Spanish
CLUSTERS = [
    (
        "CCM",
        "cluster",
        None,
        1,
        "Camp Coordination and Camp Management",
        "Coordination et gestion des camps",
        "Coordinación y gestión de campamentos",
    ),
    ("SHL", "cluster", None, 2, "Shelter", "Abris", "Alojamiento"),
    ("HEA", "cluster", None, 3, "Health", "Santé", "Salud"),
    ("PRO", "cluster", None, 4, "Protection", "Protection", "Protección"),
    ("LOG", "cluster", None, 5, "Logistics", "Logistique", "Logística"),
    ("ERY", "cluster", None, 6, "Early Recovery", "Relèvement précoce", "Recuperación temprana"),
    ("EDU", "cluster", None, 7, "Education", "Éducation", "Educación"),
    ("FSC", "cluster", None, 8, "Food Security", "Sécurité alimentaire", "Seguridad alimentaria"),
    (
        "TEL",
        "cluster",
        None,
        9,
        "Emergency Telecommunications",
        "Télécommunications d'urgence",
        "Telecomunicaciones de emergencia",
    ),
    (
        "WSH",
        "cluster",
        None,
        10,
        "Water, Sanitation and Hygiene",
        "Eau, assainissement et hygiène",
        "Agua, saneamiento e higiene",
    ),
    ("PRO-GBV", "area", "PRO", 11, "Gender-based Violence", "Violence basée sur le genre", "Violencia de género"),
    ("PRO-CPN", "area", "PRO", 12, "Child Protection", "Protection de l'enfance", "Protección de la infancia"),
    (
        "PRO-HLP",
        "area",
        "PRO",
        13,
        "Housing, Land and Property",
        "Logement, terre et biens",
        "Vivienda, tierras y propiedad",
    ),
    (
        "MHPSS",
        "group",
        None,
        14,
        "Mental Health and Psychosocial Support",
        "Santé mentale et soutien psychosocial",
        "Salud mental y apoyo psicosocial",
    ),
    ("COORD", "group", None, 15, "Coordination", "Coordination", "Coordinación"),
    ("RLJ", "group", None, 16, "Rule of Law and Justice", "État de droit et justice", "Estado de derecho y justicia"),
    ("SAF", "group", None, 17, "Safety and Security", "Sûreté et sécurité", "Seguridad y protección"),
    ("ENV", "group", None, 18, "Environment", "Environnement", "Medio ambiente"),
    ("AGR", "group", None, 19, "Agriculture", "Agriculture", "Agricultura"),
]

# number -> (names en/fr/es, purposes en/fr/es). The English purpose is paragraph 10's "To ..." sentence.
SECTORS = {
    1: (
        (
            "Camp Management and Displacement Tracking",
            "Gestion des camps et suivi des déplacements",
            "Gestión de campamentos y seguimiento de los desplazamientos",
        ),
        (
            "To improve living conditions of displaced persons and migrants in transit, by monitoring displacement "
            "flows, facilitating the effective provision of assistance and protection in camps and camp-like "
            "settings, advocating for durable solutions and ensuring organized closure and phase-out of camps.",
            "Améliorer les conditions de vie des personnes déplacées et des migrants en transit en suivant les flux "
            "de déplacement, en facilitant la fourniture efficace d'une assistance et d'une protection dans les "
            "camps et les sites assimilés, en plaidant pour des solutions durables et en assurant la fermeture et "
            "le démantèlement ordonnés des camps.",
            "Mejorar las condiciones de vida de las personas desplazadas y de los migrantes en tránsito mediante el "
            "seguimiento de los flujos de desplazamiento, la facilitación de una prestación eficaz de asistencia y "
            "protección en campamentos y entornos similares, la promoción de soluciones duraderas y el cierre y la "
            "retirada ordenados de los campamentos.",
        ),
    ),
    2: (
        ("Shelter and Non-food Items", "Abris et articles non alimentaires", "Alojamiento y artículos no alimentarios"),
        (
            "To address the needs for shelters and non-food items (NFIs) of persons affected by a crisis, including "
            "those who are displaced and vulnerable, by coordinating the logistics pipeline, providing technical "
            "support and distributing emergency and transitional shelter and NFIs.",
            "Répondre aux besoins en abris et en articles non alimentaires des personnes touchées par une crise, y "
            "compris les personnes déplacées et vulnérables, en coordonnant la chaîne logistique, en fournissant un "
            "appui technique et en distribuant des abris d'urgence et de transition et des articles non alimentaires.",
            "Atender las necesidades de alojamiento y de artículos no alimentarios de las personas afectadas por una "
            "crisis, incluidas las desplazadas y vulnerables, mediante la coordinación de la cadena logística, la "
            "prestación de apoyo técnico y la distribución de alojamiento de emergencia y de transición y de "
            "artículos no alimentarios.",
        ),
    ),
    3: (
        (
            "Transport Assistance for Affected Populations",
            "Aide au transport des populations touchées",
            "Asistencia de transporte para las poblaciones afectadas",
        ),
        (
            "To provide protection through the provision of humane and orderly transport assistance to individuals or "
            "groups who are going, either temporarily or permanently, to a place of origin, transit or destination "
            "within one country or across an international border (programmes involving transport assistance "
            "include, inter alia, evacuations, resettlement, repatriation, return of internally displaced persons "
            "(IDPs), assisted voluntary return and reintegration, and relocation or emergency transportation).",
            "Assurer une protection en fournissant une aide au transport humaine et ordonnée aux personnes ou aux "
            "groupes qui se rendent, temporairement ou définitivement, vers un lieu d'origine, de transit ou de "
            "destination à l'intérieur d'un pays ou par-delà une frontière internationale (les programmes d'aide au "
            "transport comprennent notamment les évacuations, la réinstallation, le rapatriement, le retour des "
            "personnes déplacées à l'intérieur de leur propre pays, le retour volontaire assisté et la "
            "réintégration, ainsi que la relocalisation ou le transport d'urgence).",
            "Brindar protección mediante una asistencia de transporte humana y ordenada a personas o grupos que se "
            "dirigen, de forma temporal o permanente, a un lugar de origen, tránsito o destino dentro de un país o "
            "a través de una frontera internacional (los programas de asistencia de transporte incluyen, entre "
            "otros, las evacuaciones, el reasentamiento, la repatriación, el retorno de desplazados internos, el "
            "retorno voluntario asistido y la reintegración, y la reubicación o el transporte de emergencia).",
        ),
    ),
    4: (
        ("Health Support", "Soutien sanitaire", "Apoyo sanitario"),
        (
            "To provide comprehensive migrant health-care and prevention services during the crisis and throughout "
            "the movement process – at the pre-departure stage, during travel and transit and upon return based on "
            "existing health systems and evidence-based needs assessments.",
            "Fournir aux migrants des services complets de soins de santé et de prévention pendant la crise et tout "
            "au long du déplacement – avant le départ, pendant le voyage et le transit et au retour – en "
            "s'appuyant sur les systèmes de santé existants et sur des évaluations des besoins fondées sur des "
            "données probantes.",
            "Prestar a los migrantes servicios integrales de atención de la salud y de prevención durante la crisis "
            "y a lo largo de todo el desplazamiento – antes de la partida, durante el viaje y el tránsito y al "
            "regreso – sobre la base de los sistemas de salud existentes y de evaluaciones de las necesidades "
            "basadas en datos empíricos.",
        ),
    ),
    5: (
        ("Psychosocial Support", "Soutien psychosocial", "Apoyo psicosocial"),
        (
            "To promote, protect and support the well-being of crisis-affected populations, with activities aimed at "
            "reducing psychosocial vulnerabilities, promoting community resilience and ownership, and supporting aid "
            "that takes into account psychosocial and cultural diversity issues.",
            "Promouvoir, protéger et soutenir le bien-être des populations touchées par une crise, par des activités "
            "visant à réduire les vulnérabilités psychosociales, à favoriser la résilience et l'appropriation "
            "communautaires et à soutenir une aide qui tienne compte des questions psychosociales et de la "
            "diversité culturelle.",
            "Promover, proteger y apoyar el bienestar de las poblaciones afectadas por una crisis, con actividades "
            "encaminadas a reducir las vulnerabilidades psicosociales, fomentar la resiliencia y la apropiación "
            "comunitarias y apoyar una ayuda que tenga en cuenta las cuestiones psicosociales y la diversidad "
            "cultural.",
        ),
    ),
    6: (
        ("(Re)integration Assistance", "Aide à la (ré)intégration", "Asistencia para la (re)integración"),
        (
            "To end displacement situations of individuals or groups displaced by a crisis through the provision of "
            "immediate, medium- and longer-term support that includes addressing housing, protection, stability, "
            "livelihood and economic concerns, as well as (re)integration support in line with the framework for "
            "durable solutions.",
            "Mettre fin aux situations de déplacement des personnes ou des groupes déplacés par une crise en "
            "apportant un soutien immédiat, à moyen et à plus long terme portant sur le logement, la protection, la "
            "stabilité, les moyens de subsistance et les questions économiques, ainsi qu'une aide à la "
            "(ré)intégration conforme au cadre des solutions durables.",
            "Poner fin a las situaciones de desplazamiento de personas o grupos desplazados por una crisis mediante "
            "un apoyo inmediato, a medio y a largo plazo que aborde la vivienda, la protección, la estabilidad, los "
            "medios de vida y las cuestiones económicas, así como un apoyo a la (re)integración acorde con el marco "
            "de soluciones duraderas.",
        ),
    ),
    7: (
        (
            "Activities to Support Community Stabilization and Transition",
            "Activités d'appui à la stabilisation communautaire et à la transition",
            "Actividades de apoyo a la estabilización comunitaria y la transición",
        ),
        (
            "To provide assistance to governments, States and communities undergoing significant socio-economic and "
            "political changes following a crisis for the purpose of (re-)establishing stability and security in "
            "vulnerable communities, preventing further forced migration, restoring trust among community members, "
            "vulnerable populations and local authorities and laying the foundations for durable solutions, lasting "
            "peace and sustainable development.",
            "Aider les gouvernements, les États et les communautés qui connaissent d'importants changements "
            "socioéconomiques et politiques à la suite d'une crise à (r)établir la stabilité et la sécurité dans les "
            "communautés vulnérables, à prévenir de nouvelles migrations forcées, à rétablir la confiance entre les "
            "membres des communautés, les populations vulnérables et les autorités locales, et à jeter les bases de "
            "solutions durables, d'une paix durable et du développement durable.",
            "Prestar asistencia a los gobiernos, los Estados y las comunidades que atraviesan importantes cambios "
            "socioeconómicos y políticos tras una crisis con el fin de (r)establecer la estabilidad y la seguridad "
            "en las comunidades vulnerables, prevenir nuevas migraciones forzosas, restablecer la confianza entre "
            "los miembros de la comunidad, las poblaciones vulnerables y las autoridades locales, y sentar las "
            "bases de soluciones duraderas, una paz duradera y el desarrollo sostenible.",
        ),
    ),
    8: (
        (
            "Disaster Risk Reduction and Resilience Building",
            "Réduction des risques de catastrophe et renforcement de la résilience",
            "Reducción del riesgo de desastres y fortalecimiento de la resiliencia",
        ),
        (
            "To reduce and mitigate the risk of displacement and increase the resilience of communities to cope with "
            "disasters in view of achieving sustainable development, by providing the necessary framework, "
            "methodology and tools to analyse the causal factors of disasters, reduce exposure to hazards and lessen "
            "the vulnerability of people and livelihoods.",
            "Réduire et atténuer le risque de déplacement et renforcer la résilience des communautés face aux "
            "catastrophes en vue d'un développement durable, en fournissant le cadre, la méthodologie et les outils "
            "nécessaires pour analyser les facteurs à l'origine des catastrophes, réduire l'exposition aux aléas et "
            "atténuer la vulnérabilité des personnes et des moyens de subsistance.",
            "Reducir y mitigar el riesgo de desplazamiento y aumentar la resiliencia de las comunidades frente a los "
            "desastres con miras a lograr un desarrollo sostenible, proporcionando el marco, la metodología y las "
            "herramientas necesarios para analizar los factores causales de los desastres, reducir la exposición a "
            "las amenazas y disminuir la vulnerabilidad de las personas y de los medios de vida.",
        ),
    ),
    9: (
        (
            "Land and Property Support",
            "Aide en matière foncière et immobilière",
            "Apoyo en materia de tierras y propiedad",
        ),
        (
            "To assist governments and societies to address land and property issues to prevent future forced "
            "migration and to allow for durable solutions to address ongoing displacement.",
            "Aider les gouvernements et les sociétés à régler les questions foncières et immobilières afin de "
            "prévenir de futures migrations forcées et de permettre des solutions durables aux déplacements en "
            "cours.",
            "Ayudar a los gobiernos y a las sociedades a abordar las cuestiones de tierras y propiedad para prevenir "
            "futuras migraciones forzosas y hacer posibles soluciones duraderas a los desplazamientos en curso.",
        ),
    ),
    10: (
        (
            "Counter-trafficking and Protection of Vulnerable Migrants",
            "Lutte contre la traite et protection des migrants vulnérables",
            "Lucha contra la trata y protección de los migrantes vulnerables",
        ),
        (
            "To provide protection and assistance to vulnerable migrants, including victims of trafficking, "
            "exploitation or abuse and unaccompanied migrant children, during a crisis situation.",
            "Fournir protection et assistance aux migrants vulnérables, notamment aux victimes de la traite, de "
            "l'exploitation ou d'abus et aux enfants migrants non accompagnés, dans une situation de crise.",
            "Brindar protección y asistencia a los migrantes vulnerables, incluidas las víctimas de la trata, la "
            "explotación o el abuso y los niños migrantes no acompañados, en una situación de crisis.",
        ),
    ),
    11: (
        (
            "Technical Assistance for Humanitarian Border Management",
            "Assistance technique pour une gestion humanitaire des frontières",
            "Asistencia técnica para la gestión humanitaria de fronteras",
        ),
        (
            "To support States in building robust immigration and border management programmes supported by "
            "appropriate policies, laws, procedures and information systems to facilitate the movement of people "
            "which arises from a crisis.",
            "Aider les États à mettre en place des programmes solides de gestion de l'immigration et des frontières, "
            "appuyés par des politiques, des lois, des procédures et des systèmes d'information adaptés, pour "
            "faciliter les mouvements de personnes provoqués par une crise.",
            "Apoyar a los Estados en la creación de programas sólidos de gestión de la inmigración y de las "
            "fronteras, respaldados por políticas, leyes, procedimientos y sistemas de información adecuados, para "
            "facilitar los movimientos de personas derivados de una crisis.",
        ),
    ),
    12: (
        ("Emergency Consular Assistance", "Assistance consulaire d'urgence", "Asistencia consular de emergencia"),
        (
            "To support States in providing their nationals caught in a crisis with appropriate, timely and efficient "
            "emergency consular services, including the issuance of emergency travel documents or laissez-passer, "
            "as well as other services which can contribute to their protection before, during and after a crisis "
            "situation.",
            "Aider les États à fournir à leurs ressortissants pris dans une crise des services consulaires d'urgence "
            "adaptés, rapides et efficaces, notamment la délivrance de documents de voyage d'urgence ou de "
            "laissez-passer, ainsi que d'autres services susceptibles de contribuer à leur protection avant, "
            "pendant et après une situation de crise.",
            "Apoyar a los Estados en la prestación a sus nacionales atrapados en una crisis de servicios consulares "
            "de emergencia adecuados, oportunos y eficaces, incluida la expedición de documentos de viaje de "
            "emergencia o salvoconductos, así como de otros servicios que puedan contribuir a su protección antes, "
            "durante y después de una situación de crisis.",
        ),
    ),
    13: (
        (
            "Diaspora and Human Resource Mobilization",
            "Mobilisation de la diaspora et des ressources humaines",
            "Movilización de la diáspora y de los recursos humanos",
        ),
        (
            "To mobilize the skills and financial resources of the diaspora and other networks of qualified "
            "professionals to support the national development, rehabilitation and reconstruction processes in "
            "countries recovering from crisis, in transition or conflict situations.",
            "Mobiliser les compétences et les ressources financières de la diaspora et d'autres réseaux de "
            "professionnels qualifiés pour appuyer les processus nationaux de développement, de relèvement et de "
            "reconstruction dans les pays qui se remettent d'une crise, en transition ou en situation de conflit.",
            "Movilizar las competencias y los recursos financieros de la diáspora y de otras redes de profesionales "
            "cualificados para apoyar los procesos nacionales de desarrollo, rehabilitación y reconstrucción en los "
            "países que se recuperan de una crisis, en transición o en situación de conflicto.",
        ),
    ),
    14: (
        (
            "Migration Policy and Legislation Support",
            "Appui aux politiques et à la législation migratoires",
            "Apoyo en materia de políticas y legislación migratorias",
        ),
        (
            "To support States, individually and collectively, in building the policy, as well as the administrative "
            "and legislative, structures and capacities that will enable them to manage migration during crises "
            "effectively and humanely and fulfil their responsibilities in identifying, assisting and protecting "
            "vulnerable mobile populations affected by crisis.",
            "Aider les États, individuellement et collectivement, à mettre en place les structures et les capacités "
            "politiques, administratives et législatives qui leur permettront de gérer les migrations en temps de "
            "crise de manière efficace et humaine et d'assumer leurs responsabilités d'identification, d'assistance "
            "et de protection des populations mobiles vulnérables touchées par une crise.",
            "Apoyar a los Estados, individual y colectivamente, en la creación de las estructuras y capacidades "
            "normativas, administrativas y legislativas que les permitan gestionar la migración durante las crisis "
            "de manera eficaz y humana y cumplir sus responsabilidades de identificar, asistir y proteger a las "
            "poblaciones móviles vulnerables afectadas por una crisis.",
        ),
    ),
    15: (
        ("Humanitarian Communications", "Communication humanitaire", "Comunicación humanitaria"),
        (
            "To create a two-way exchange of information between the responders (including humanitarian actors) and "
            "crisis-affected populations which addresses the information needs of affected populations and "
            "generates feedback that contributes to an appropriate humanitarian response and facilitates recovery "
            "planning, while including intercultural considerations and community messaging aimed at reducing "
            "anti-migrant sentiments.",
            "Instaurer un échange d'informations dans les deux sens entre les intervenants (y compris les acteurs "
            "humanitaires) et les populations touchées par une crise, qui réponde aux besoins d'information de ces "
            "populations et suscite des retours contribuant à une réponse humanitaire adaptée et facilitant la "
            "planification du relèvement, en tenant compte des considérations interculturelles et par des messages "
            "communautaires visant à réduire les sentiments hostiles aux migrants.",
            "Crear un intercambio de información en ambos sentidos entre quienes responden (incluidos los actores "
            "humanitarios) y las poblaciones afectadas por una crisis, que atienda las necesidades de información "
            "de esas poblaciones y genere comentarios que contribuyan a una respuesta humanitaria adecuada y "
            "faciliten la planificación de la recuperación, teniendo en cuenta las consideraciones interculturales "
            "y con mensajes comunitarios destinados a reducir los sentimientos contrarios a los migrantes.",
        ),
    ),
}

# Each sector's clusters/groups and systems, with where the link is read.
SECTOR_LINKS = {
    # "IOM is the cluster lead for camp coordination and camp management (CCCM)" (para 10); camp
    # management for UNHCR (para 15).
    1: (["CCM"], ["cluster", "refugee"]),
    # Shelter cluster lead; "coordinating the logistics pipeline" (para 10); shelter for UNHCR (para 15).
    2: (["SHL", "LOG"], ["cluster", "refugee"]),
    # Logistics cluster role (para 14); transport assistance and resettlement with UNHCR (para 15);
    # return and relocation serve durable solutions.
    3: (["LOG", "PRO"], ["cluster", "refugee"]),
    # "linked to the CCCM and health clusters" (para 10); health for UNHCR (para 15).
    4: (["HEA", "WSH", "CCM"], ["cluster", "refugee"]),
    # IASC Reference Group on MHPSS; survivors of sexual and gender-based violence (para 10); para 15.
    5: (["MHPSS", "HEA", "PRO-GBV"], ["cluster", "refugee"]),
    # Early recovery cluster (para 14); "housing, protection, stability, livelihood" (para 10); durable
    # solutions with UNHCR (para 15); post-crisis recovery with development actors (para 17).
    6: (["ERY", "PRO-HLP", "FSC"], ["cluster", "refugee", "development"]),
    # Security and peacebuilding frameworks, rule of law, reconciliation (para 16); development (para 17).
    7: (["ERY", "RLJ", "SAF"], ["security", "development"]),
    # Hyogo Framework for Action, DRR with development actors (para 17); evacuation shelters, watershed
    # management (para 10).
    8: (["ERY", "ENV", "SHL"], ["development", "cluster"]),
    # Property claims, legal aid, reparations (para 10); rule of law, reparations (para 16).
    9: (["PRO-HLP", "RLJ"], ["cluster", "security", "development"]),
    # Victims of trafficking, exploitation or abuse and unaccompanied migrant children (para 10);
    # referral mechanism for refugees and asylum-seekers (para 18).
    10: (["PRO", "PRO-CPN", "PRO-GBV"], ["cluster", "refugee"]),
    # Identification of those fleeing and referrals at the Tunisian border (para 10); security sector (para 16).
    11: (["PRO", "SAF"], ["refugee", "security"]),
    # Identification and documentation of nationals caught in crisis (para 10); liaison (main text para 8).
    12: (["PRO", "COORD"], ["cluster"]),
    # Return of qualified nationals for post-crisis recovery (para 17); diaspora health practitioners
    # (Annex I para 33).
    13: (["ERY", "HEA", "EDU"], ["development"]),
    # Policy, law and SOPs on migration in crises (para 10); security sector reform (para 16).
    14: (["PRO", "COORD"], ["development", "security"]),
    # Two-way communication with affected populations; cholera prevention, child protection messages (para 10).
    15: (["TEL", "COORD", "HEA", "PRO-CPN"], ["cluster"]),
}

# The paragraph of Annex I that describes each scenario's phase.
SCENARIO_PARAGRAPHS = {
    "man_made": {"before": 8, "during": 9, "after": 10},
    "sudden_natural": {"before": 14, "during": 15, "after": 16},
    "slow_natural": {"before": 20, "during": 21, "after": 22},
    "protracted": {"before": 26, "during": 27, "after": 28},
    "health": {"before": 32, "during": 33, "after": 34},
}
# Examples the scenarios give (shown beside each scenario's matrix).
SCENARIO_EXAMPLES = {
    "man_made": "Syrian Arab Republic (2012), Libya (2011), Côte d'Ivoire (2011)",
    "sudden_natural": "Pakistan (2010 and 2011), Haiti (2010), Japan (2011), Indian Ocean tsunami (2004)",
    "slow_natural": "Bangladesh (2009), low-lying island States",
    "protracted": "Horn of Africa (2011), Sahel (2012), Democratic Republic of the Congo",
    "health": "Cholera outbreak in Haiti (2010)",
}

NOT_APPLICABLE_CITATION = "Annex I para 3"
NOT_APPLICABLE_BASIS = "Not all sectors apply equally in all types of crises."

_PARA_27_IMMEDIATE_NEEDS = (
    "During a protracted crisis, it is important to address the immediate needs of affected persons such as health "
    "and psychosocial support, shelter and camp management assistance, community stabilization activities and "
    "reintegration assistance."
)

# (crisis type, phase) -> {sector number: (priority, the sentence it rests on)}; the citation is the
# scenario paragraph of SCENARIO_PARAGRAPHS unless a third element gives another one.
MATRIX: dict[tuple[str, str], dict[int, tuple]] = {
    # --- Man-made disaster ----------------------------------------------------------------------
    # Para 8. Community stabilization is what the phase focuses on (critical: "most essential", para 3).
    ("man_made", "before"): {
        7: (
            CRITICAL,
            "Before a man-made disaster, activities can focus on addressing the destabilizing factors and tensions "
            "through such initiatives as community stabilization and transition as part of peace and security and "
            "development initiatives.",
        ),
        11: (
            IMPORTANT,
            "If a country has many third-country nationals, technical assistance to and coordination with consular "
            "services and humanitarian border management will be important.",
        ),
        12: (
            IMPORTANT,
            "If a country has many third-country nationals, technical assistance to and coordination with consular "
            "services and humanitarian border management will be important.",
        ),
        10: (
            CRITICAL,
            "Initiatives to strengthen counter-trafficking and the protection of vulnerable migrants, as part of "
            "migration management systems, are also crucial.",
        ),
        # Named as the frame the crucial counter-trafficking work is part of: supports it.
        14: (
            RECOMMENDED,
            "Initiatives to strengthen counter-trafficking and the protection of vulnerable migrants, as part of "
            "migration management systems, are also crucial.",
        ),
    },
    # Para 9. What responses "will require", the "critical life-saving" transport and the "essential"
    # humanitarian assistance are critical; humanitarian communications, through which that assistance is
    # coordinated, and camp management, for those "in camps", play a significant role (important).
    ("man_made", "during"): {
        11: (
            CRITICAL,
            "During a man-made disaster, if there are large cross-border movements and/or international migrants "
            "trapped in the country in crisis, responses will require proper and efficient border and identity "
            "management, coordination with consular services and mechanisms to identify and refer vulnerable persons.",
        ),
        12: (
            CRITICAL,
            "During a man-made disaster, if there are large cross-border movements and/or international migrants "
            "trapped in the country in crisis, responses will require proper and efficient border and identity "
            "management, coordination with consular services and mechanisms to identify and refer vulnerable persons.",
        ),
        10: (
            CRITICAL,
            "During a man-made disaster, if there are large cross-border movements and/or international migrants "
            "trapped in the country in crisis, responses will require proper and efficient border and identity "
            "management, coordination with consular services and mechanisms to identify and refer vulnerable persons.",
        ),
        3: (
            CRITICAL,
            "Transportation assistance can also be a critical life-saving protection activity for those caught in a "
            "crisis, including non-nationals in need of migrant assistance.",
        ),
        2: (
            CRITICAL,
            "Lastly, the provision of humanitarian assistance (e.g. shelter, NFIs, health and psychosocial support, "
            "etc.), which is usually coordinated through humanitarian communications, to displaced persons in camps "
            "or in host communities inside or outside the country in crisis is essential to relieve suffering.",
        ),
        4: (
            CRITICAL,
            "Lastly, the provision of humanitarian assistance (e.g. shelter, NFIs, health and psychosocial support, "
            "etc.) [...] is essential to relieve suffering.",
        ),
        5: (
            CRITICAL,
            "Lastly, the provision of humanitarian assistance (e.g. shelter, NFIs, health and psychosocial support, "
            "etc.) [...] is essential to relieve suffering.",
        ),
        15: (
            IMPORTANT,
            "Lastly, the provision of humanitarian assistance [...], which is usually coordinated through humanitarian "
            "communications, [...] is essential to relieve suffering.",
        ),
        1: (
            IMPORTANT,
            "Lastly, the provision of humanitarian assistance [...] to displaced persons in camps or in host "
            "communities inside or outside the country in crisis is essential to relieve suffering.",
        ),
    },
    # Para 10.
    ("man_made", "after"): {
        7: (
            CRITICAL,
            "After a man-made disaster, crucial response activities involve those that prevent and/or address the "
            "consequences of man-made disasters, such as community stabilization and transition efforts, and those "
            "that address land and property issues to provide long-term solutions to the displaced.",
        ),
        9: (
            CRITICAL,
            "After a man-made disaster, crucial response activities involve [...] those that address land and "
            "property issues to provide long-term solutions to the displaced.",
        ),
        13: (
            RECOMMENDED,
            "Peace and reconstruction can also be supported through diaspora and human resources mobilization.",
        ),
    },
    # --- Sudden-onset natural disaster ---------------------------------------------------------------
    # Para 14.
    ("sudden_natural", "before"): {
        8: (
            CRITICAL,
            "Before a sudden-onset natural disaster, the implementation of DRR activities is a crucial prevention and "
            "preparedness measure.",
        ),
        12: (
            IMPORTANT,
            "Moreover, if a country has many third-country nationals, technical assistance to and coordination with "
            "consular services will also be important initiatives to ensure appropriate and timely identification "
            "and documentation if a crisis were to occur.",
        ),
    },
    # Para 15.
    ("sudden_natural", "during"): {
        1: (
            CRITICAL,
            "During a sudden-onset natural disaster, addressing the immediate needs of crisis-affected populations is "
            "crucial, such as tracking displacement and providing shelter, NFIs and health and psychosocial support.",
        ),
        2: (
            CRITICAL,
            "During a sudden-onset natural disaster, addressing the immediate needs of crisis-affected populations is "
            "crucial, such as tracking displacement and providing shelter, NFIs and health and psychosocial support.",
        ),
        4: (
            CRITICAL,
            "During a sudden-onset natural disaster, addressing the immediate needs of crisis-affected populations is "
            "crucial, such as tracking displacement and providing shelter, NFIs and health and psychosocial support.",
        ),
        5: (
            CRITICAL,
            "During a sudden-onset natural disaster, addressing the immediate needs of crisis-affected populations is "
            "crucial, such as tracking displacement and providing shelter, NFIs and health and psychosocial support.",
        ),
        15: (CRITICAL, "Humanitarian communications are also critical during sudden-onset natural disasters."),
    },
    # Para 16. "Permanent shelter" is named among the areas of the crucial reintegration work: shelter supports it.
    ("sudden_natural", "after"): {
        8: (
            IMPORTANT,
            "After a sudden-onset natural disaster, as with the \u201cbefore\u201d phase, the implementation of DRR "
            "activities is important not only in responding to and recovering from the consequences, but also in "
            "preventing and preparing for future disasters.",
        ),
        6: (
            CRITICAL,
            "Reintegration assistance is crucial to end displacement through long-term solutions by implementing "
            "activities in areas such as sustainable livelihoods, permanent shelter and access to basic services.",
        ),
        2: (
            RECOMMENDED,
            "Reintegration assistance is crucial to end displacement through long-term solutions by implementing "
            "activities in areas such as sustainable livelihoods, permanent shelter and access to basic services.",
        ),
    },
    # --- Slow-onset natural disaster -------------------------------------------------------------------
    # Para 20. Resilience building is part of sector 8, already critical. "Safe and planned migration,
    # including relocation" is what transport assistance (relocation) and migration policy support offer:
    # "can also be considered" -> recommended.
    ("slow_natural", "before"): {
        8: (
            CRITICAL,
            "Before a slow-onset natural disaster, development programmes including DRR activities are most critical, "
            "as they aim at reducing the risks of such hazards and the vulnerabilities of affected communities in "
            "rural and urban areas.",
        ),
        9: (
            CRITICAL,
            "Activities that address land and property issues are crucial when affected people and families lose "
            "their land and livelihoods and need to relocate.",
        ),
        3: (
            RECOMMENDED,
            "Safe and planned migration, including relocation, as a form of adaptation can also be considered in the "
            "context of slow-onset natural disasters.",
        ),
        14: (
            RECOMMENDED,
            "Safe and planned migration, including relocation, as a form of adaptation can also be considered in the "
            "context of slow-onset natural disasters.",
        ),
    },
    # Para 21.
    ("slow_natural", "during"): {
        1: (
            IMPORTANT,
            "During a slow-onset natural disaster that leads to acute humanitarian needs, population tracking, "
            "transport assistance, shelter support and health and psychosocial support can be important initiatives "
            "to assist crisis-affected persons.",
        ),
        2: (
            IMPORTANT,
            "During a slow-onset natural disaster that leads to acute humanitarian needs, population tracking, "
            "transport assistance, shelter support and health and psychosocial support can be important initiatives "
            "to assist crisis-affected persons.",
        ),
        3: (
            IMPORTANT,
            "During a slow-onset natural disaster that leads to acute humanitarian needs, population tracking, "
            "transport assistance, shelter support and health and psychosocial support can be important initiatives "
            "to assist crisis-affected persons.",
        ),
        4: (
            IMPORTANT,
            "During a slow-onset natural disaster that leads to acute humanitarian needs, population tracking, "
            "transport assistance, shelter support and health and psychosocial support can be important initiatives "
            "to assist crisis-affected persons.",
        ),
        5: (
            IMPORTANT,
            "During a slow-onset natural disaster that leads to acute humanitarian needs, population tracking, "
            "transport assistance, shelter support and health and psychosocial support can be important initiatives "
            "to assist crisis-affected persons.",
        ),
        8: (
            CRITICAL,
            "DRR activities continue to be critical in building the capacity of the State and affected persons to "
            "cope with the crisis and also offer a framework to link relief and recovery to development.",
        ),
        9: (
            IMPORTANT,
            "Addressing land and property issues equally remains important, contributing to finding temporary "
            "solutions for displaced populations.",
        ),
    },
    # Para 22. "Permanent shelter initiatives" serve the critical integration work: shelter supports it.
    ("slow_natural", "after"): {
        8: (
            IMPORTANT,
            "After a slow-onset natural disaster, DRR activities continue to play an important role in reducing the "
            "risks of hazards and building community resilience in rural and urban set-ups.",
        ),
        9: (
            CRITICAL,
            "Addressing land and property issues and providing integration assistance are critical in ending "
            "displacement through long-term solutions such as livelihood support and permanent shelter initiatives.",
        ),
        6: (
            CRITICAL,
            "Addressing land and property issues and providing integration assistance are critical in ending "
            "displacement through long-term solutions such as livelihood support and permanent shelter initiatives.",
        ),
        2: (
            RECOMMENDED,
            "Addressing land and property issues and providing integration assistance are critical in ending "
            "displacement through long-term solutions such as livelihood support and permanent shelter initiatives.",
        ),
    },
    # --- Protracted crisis -------------------------------------------------------------------------
    # Para 26.
    ("protracted", "before"): {
        7: (
            CRITICAL,
            "Before a protracted crisis, community stabilization and transition activities are critical in "
            "addressing the sources of tension and preventing the eruption of conflict and further forced migration.",
        ),
        8: (
            IMPORTANT,
            "If an area is prone to sudden- and/or slow-onset natural disasters, then DRR initiatives will be "
            "important in reducing risks and increasing resilience.",
        ),
    },
    # Para 27.
    ("protracted", "during"): {
        # Health (4), psychosocial (5), shelter (2), camp management (1), community stabilization (7) and
        # reintegration (6), in the order the sentence names them.
        **dict.fromkeys((4, 5, 2, 1, 7, 6), (IMPORTANT, _PARA_27_IMMEDIATE_NEEDS)),
        10: (
            CRITICAL,
            "The provision of assistance and protection to vulnerable persons can also be crucial, as criminal "
            "networks usually take advantage of these environments, for example, by recruiting at-risk youth and/or "
            "engaging in the trafficking of human beings.",
        ),
        12: (
            IMPORTANT,
            "If international migrants are caught in the crisis, coordination with consular services will also be "
            "important.",
        ),
    },
    # Para 28. "Significant" is the word paragraph 3 uses to define important sectors.
    ("protracted", "after"): {
        7: (
            CRITICAL,
            "After a protracted crisis, community stabilization and transition activities continue to be essential "
            "in addressing the sources of tension and re-establishing stability and trust through peacebuilding and "
            "dialogue initiatives.",
        ),
        6: (
            IMPORTANT,
            "Reintegration assistance and psychosocial support are also significant in ending displacement through "
            "long-term solutions by promoting such initiatives as income generation and improved access to basic "
            "services.",
        ),
        5: (
            IMPORTANT,
            "Reintegration assistance and psychosocial support are also significant in ending displacement through "
            "long-term solutions by promoting such initiatives as income generation and improved access to basic "
            "services.",
        ),
    },
    # --- Health crisis -------------------------------------------------------------------------------
    # Para 32. DRR and health are what the phase "primarily" focuses on (critical). Border officials'
    # training also serves "identifying vulnerable persons who need to be referred and assisted", which is
    # sector 10's work: named in support -> recommended.
    ("health", "before"): {
        8: (
            CRITICAL,
            "Before a health crisis, response activities primarily focus on DRR and health initiatives that prevent "
            "health hazards and reduce their potential effects.",
        ),
        4: (
            CRITICAL,
            "Before a health crisis, response activities primarily focus on DRR and health initiatives that prevent "
            "health hazards and reduce their potential effects.",
        ),
        11: (
            IMPORTANT,
            "Health training for border management officials can also be an important element in reducing the "
            "spread of a health crisis and in identifying vulnerable persons who need to be referred and assisted.",
        ),
        10: (
            RECOMMENDED,
            "Health training for border management officials can also be an important element [...] in identifying "
            "vulnerable persons who need to be referred and assisted.",
        ),
    },
    # Para 33. Consular coordination is "necessary" only "if international migrants are caught in the crisis",
    # the same condition under which paragraph 27 calls it important: important.
    ("health", "during"): {
        4: (
            CRITICAL,
            "During a health crisis, the provision of health and psychosocial support to affected persons is "
            "critical as well as addressing their immediate needs such as for shelter and NFIs.",
        ),
        5: (
            CRITICAL,
            "During a health crisis, the provision of health and psychosocial support to affected persons is "
            "critical as well as addressing their immediate needs such as for shelter and NFIs.",
        ),
        2: (
            CRITICAL,
            "During a health crisis, the provision of health and psychosocial support to affected persons is "
            "critical as well as addressing their immediate needs such as for shelter and NFIs.",
        ),
        15: (
            IMPORTANT,
            "Humanitarian communications and humanitarian border management are also important in such crises to "
            "reduce the spread of a health crisis by raising awareness and identifying and referring the affected "
            "persons.",
        ),
        11: (
            IMPORTANT,
            "Humanitarian communications and humanitarian border management are also important in such crises to "
            "reduce the spread of a health crisis by raising awareness and identifying and referring the affected "
            "persons.",
        ),
        12: (
            IMPORTANT,
            "If international migrants are caught in the crisis, coordination with consular services will be "
            "necessary.",
        ),
        13: (
            CRITICAL,
            "Lastly, reaching out to and including health practitioners from the diaspora can be essential in "
            "building capacity, improving the response to such crises and addressing the urgent needs of affected "
            "populations.",
        ),
    },
    # Para 34: "similar to that of the 'before' phase", so the same degrees as paragraph 32 for the
    # sectors it names again.
    ("health", "after"): {
        4: (
            CRITICAL,
            "After a health crisis, the response is similar to that of the \u201cbefore\u201d phase in that "
            "activities will focus on preventing and preparing for potential health crises. Therefore, health and "
            "DRR activities and capacity-building activities for border management officials are implemented.",
            "Annex I para 34 (with para 32)",
        ),
        8: (
            CRITICAL,
            "After a health crisis, the response is similar to that of the \u201cbefore\u201d phase in that "
            "activities will focus on preventing and preparing for potential health crises. Therefore, health and "
            "DRR activities and capacity-building activities for border management officials are implemented.",
            "Annex I para 34 (with para 32)",
        ),
        11: (
            IMPORTANT,
            "Therefore, health and DRR activities and capacity-building activities for border management officials "
            "are implemented.",
            "Annex I para 34 (with para 32)",
        ),
    },
}


def citation_for(crisis_type: str, phase: str) -> str:
    return f"Annex I para {SCENARIO_PARAGRAPHS[crisis_type][phase]}"


def matrix_cells() -> list[dict]:
    """All 5 x 3 x 15 cells: the named ones from MATRIX, the others not applicable."""
    cells = []
    for crisis_type in CRISIS_TYPES:
        for phase in PHASES:
            named = MATRIX[(crisis_type, phase)]
            for number in range(1, 16):
                if number in named:
                    priority, basis, *citation = named[number]
                    cells.append(
                        {
                            "crisis_type": crisis_type,
                            "phase": phase,
                            "sector": number,
                            "priority": priority,
                            "citation": citation[0] if citation else citation_for(crisis_type, phase),
                            "basis": basis,
                        }
                    )
                else:
                    cells.append(
                        {
                            "crisis_type": crisis_type,
                            "phase": phase,
                            "sector": number,
                            "priority": NOT_APPLICABLE,
                            "citation": NOT_APPLICABLE_CITATION,
                            "basis": f"{NOT_APPLICABLE_BASIS} (Not named in {citation_for(crisis_type, phase)}.)",
                        }
                    )
    return cells


# Arabic, added after the first three languages: code or number -> name (and purpose), in the words of
# the United Nations' Arabic usage (the cluster names as OCHA's Arabic pages give them). A data
# migration (0004) writes them beside the others.
SYSTEMS_AR = {
    "cluster": "نظام المجموعات (مكتب تنسيق الشؤون الإنسانية)",
    "refugee": "النظام الدولي للاجئين (المفوضية السامية للأمم المتحدة لشؤون اللاجئين)",
    "development": "الجهات الفاعلة في مجال التنمية (برنامج الأمم المتحدة الإنمائي)",
    "security": "الجهات الفاعلة في مجالي الأمن وبناء السلام",
}
CLUSTERS_AR = {
    "CCM": "تنسيق المخيمات وإدارتها",
    "SHL": "المأوى",
    "HEA": "الصحة",
    "PRO": "الحماية",
    "LOG": "اللوجستيات",
    "ERY": "الإنعاش المبكر",
    "EDU": "التعليم",
    "FSC": "الأمن الغذائي",
    "TEL": "الاتصالات في حالات الطوارئ",
    "WSH": "المياه والصرف الصحي والنظافة الصحية",
    "PRO-GBV": "العنف القائم على النوع الاجتماعي",
    "PRO-CPN": "حماية الطفل",
    "PRO-HLP": "الإسكان والأراضي والممتلكات",
    "MHPSS": "الصحة النفسية والدعم النفسي والاجتماعي",
    "COORD": "التنسيق",
    "RLJ": "سيادة القانون والعدالة",
    "SAF": "السلامة والأمن",
    "ENV": "البيئة",
    "AGR": "الزراعة",
}
SECTORS_AR = {
    1: (
        "إدارة المخيمات وتتبّع النزوح",
        "تحسين الظروف المعيشية للنازحين والمهاجرين العابرين، من خلال رصد تدفقات النزوح، وتيسير تقديم المساعدة "
        "والحماية بفعالية في المخيمات والمواقع المشابهة لها، والدعوة إلى إيجاد حلول دائمة، وضمان إغلاق المخيمات "
        "والتخلص التدريجي منها على نحو منظَّم.",
    ),
    2: (
        "المأوى والمواد غير الغذائية",
        "تلبية احتياجات الأشخاص المتضررين من أزمة، بمن فيهم النازحون والمستضعفون، من المأوى والمواد غير الغذائية، "
        "من خلال تنسيق سلسلة الإمداد اللوجستية، وتقديم الدعم التقني، وتوزيع المأوى الطارئ والانتقالي والمواد غير "
        "الغذائية.",
    ),
    3: (
        "المساعدة في نقل السكان المتضررين",
        "توفير الحماية من خلال تقديم مساعدة إنسانية ومنظَّمة في النقل إلى الأفراد أو المجموعات المتوجهين، بصفة مؤقتة "
        "أو دائمة، إلى مكان المنشأ أو العبور أو المقصد داخل بلد واحد أو عبر حدود دولية (وتشمل البرامج التي تنطوي على "
        "المساعدة في النقل، في جملة أمور، عمليات الإجلاء، وإعادة التوطين، والإعادة إلى الوطن، وعودة النازحين داخليًا، "
        "والعودة الطوعية المدعومة وإعادة الإدماج، والنقل إلى أماكن أخرى أو النقل في حالات الطوارئ).",
    ),
    4: (
        "الدعم الصحي",
        "تقديم خدمات شاملة للرعاية الصحية والوقاية للمهاجرين أثناء الأزمة وطوال عملية التنقل، أي في مرحلة ما قبل "
        "المغادرة وأثناء السفر والعبور وعند العودة، استنادًا إلى النظم الصحية القائمة وإلى تقييمات للاحتياجات قائمة "
        "على الأدلة.",
    ),
    5: (
        "الدعم النفسي والاجتماعي",
        "تعزيز رفاه السكان المتضررين من الأزمات وحمايته ودعمه، بأنشطة تهدف إلى الحد من أوجه الضعف النفسية "
        "والاجتماعية، وتعزيز قدرة المجتمعات المحلية على الصمود وملكيتها، ودعم المعونة التي تراعي مسائل التنوع النفسي "
        "والاجتماعي والثقافي.",
    ),
    6: (
        "المساعدة على (إعادة) الإدماج",
        "إنهاء حالات نزوح الأفراد أو المجموعات الذين نزحوا بسبب أزمة، من خلال تقديم دعم فوري ومتوسط الأجل وطويل الأجل "
        "يشمل معالجة الشواغل المتعلقة بالسكن والحماية والاستقرار وسبل العيش والاقتصاد، إلى جانب دعم (إعادة) الإدماج "
        "وفقًا لإطار الحلول الدائمة.",
    ),
    7: (
        "أنشطة دعم استقرار المجتمعات المحلية والمرحلة الانتقالية",
        "تقديم المساعدة إلى الحكومات والدول والمجتمعات المحلية التي تشهد تغيرات اجتماعية واقتصادية وسياسية كبيرة في "
        "أعقاب أزمة، بغرض (إعادة) إرساء الاستقرار والأمن في المجتمعات المحلية المستضعفة، ومنع مزيد من الهجرة القسرية، "
        "واستعادة الثقة بين أفراد المجتمع المحلي والفئات السكانية المستضعفة والسلطات المحلية، ووضع الأسس اللازمة "
        "للحلول الدائمة والسلام الدائم والتنمية المستدامة.",
    ),
    8: (
        "الحد من مخاطر الكوارث وبناء القدرة على الصمود",
        "الحد من خطر النزوح والتخفيف منه وزيادة قدرة المجتمعات المحلية على الصمود في مواجهة الكوارث بغية تحقيق "
        "التنمية المستدامة، من خلال توفير الإطار والمنهجية والأدوات اللازمة لتحليل العوامل المسببة للكوارث، والحد من "
        "التعرض للمخاطر، والتقليل من هشاشة الناس وسبل عيشهم.",
    ),
    9: (
        "الدعم في مجال الأراضي والممتلكات",
        "مساعدة الحكومات والمجتمعات على معالجة المسائل المتعلقة بالأراضي والممتلكات لمنع الهجرة القسرية مستقبلًا "
        "وإتاحة حلول دائمة لمعالجة النزوح الجاري.",
    ),
    10: (
        "مكافحة الاتجار بالبشر وحماية المهاجرين المستضعفين",
        "توفير الحماية والمساعدة للمهاجرين المستضعفين، ومنهم ضحايا الاتجار بالبشر أو الاستغلال أو الإساءة والأطفال "
        "المهاجرون غير المصحوبين، أثناء حالات الأزمات.",
    ),
    11: (
        "المساعدة التقنية في الإدارة الإنسانية للحدود",
        "دعم الدول في بناء برامج متينة لإدارة الهجرة والحدود، تدعمها سياسات وقوانين وإجراءات ونظم معلومات مناسبة، "
        "لتيسير تنقل الأشخاص الناجم عن أزمة.",
    ),
    12: (
        "المساعدة القنصلية في حالات الطوارئ",
        "دعم الدول في تزويد رعاياها العالقين في أزمة بخدمات قنصلية طارئة مناسبة وفي الوقت المناسب وفعالة، بما في ذلك "
        "إصدار وثائق السفر الطارئة أو تصاريح المرور، فضلًا عن خدمات أخرى يمكن أن تسهم في حمايتهم قبل حالة الأزمة "
        "وأثناءها وبعدها.",
    ),
    13: (
        "تعبئة المغتربين والموارد البشرية",
        "تعبئة مهارات المغتربين ومواردهم المالية وغيرها من شبكات المهنيين المؤهلين لدعم عمليات التنمية الوطنية "
        "والتأهيل وإعادة الإعمار في البلدان التي تتعافى من أزمة أو تمر بمرحلة انتقالية أو بحالات نزاع.",
    ),
    14: (
        "دعم سياسات الهجرة وتشريعاتها",
        "دعم الدول، فرادى وجماعات، في بناء السياسات والهياكل والقدرات الإدارية والتشريعية التي تمكّنها من إدارة الهجرة "
        "أثناء الأزمات بفعالية وإنسانية، والوفاء بمسؤولياتها في تحديد الفئات السكانية المتنقلة المستضعفة المتضررة من "
        "الأزمات ومساعدتها وحمايتها.",
    ),
    15: (
        "الاتصالات الإنسانية",
        "إقامة تبادل للمعلومات في الاتجاهين بين جهات الاستجابة (بما فيها الجهات الفاعلة الإنسانية) والسكان المتضررين "
        "من الأزمات، يلبي احتياجات السكان المتضررين من المعلومات ويولّد تعقيبات تسهم في استجابة إنسانية مناسبة وتيسّر "
        "التخطيط للتعافي، مع مراعاة الاعتبارات المشتركة بين الثقافات وتوجيه رسائل مجتمعية تهدف إلى الحد من المشاعر "
        "المعادية للمهاجرين.",
    ),
}
