//! Static catalogues from the Randers and Ballerup plans: warning signs, kinds of concern,
//! assessment factors, interventions, legal bases, prevention levels and closing reasons.
//!
//! Every entry has a stable snake_case English id that is stored in the database and sent in
//! form values, and a Danish label that is only ever shown. Ids are never renamed once landed:
//! old rows and bookmarked forms would stop resolving.

use super::code::code_enum;

// ---------------------------------------------------------------------------------------------
// Definitions
// ---------------------------------------------------------------------------------------------

/// The definition of extremism used by both plans (Randers 1.4, from CDIE / stopekstremisme.dk).
pub const DEFINITION_EXTREMISM: &str = "Ekstremisme betegner personer eller grupper, som begår \
eller søger at legitimere vold eller andre ulovlige handlinger med henvisning til \
samfundsforhold, de er utilfredse med.";

/// The definition of radicalisation used by both plans (Randers 1.4).
pub const DEFINITION_RADICALISATION: &str = "Radikalisering betegner en kortere eller \
længerevarende proces, hvor en person tilslutter sig ekstremistiske synspunkter eller \
legitimerer sine handlinger efter ekstremistisk ideologi.";

/// The two definitions in plain Danish, for the public page (the same facts in short words).
pub const PLAIN_DEFINITION_EXTREMISM: &str = "Ekstremisme er, når en person eller en gruppe \
bruger vold eller gør andre ulovlige ting. Eller når de siger, at det er i orden. De gør det, \
fordi de er vrede over noget i samfundet.";

pub const PLAIN_DEFINITION_RADICALISATION: &str = "Radikalisering er vejen dertil. En person \
får ekstreme ideer, eller bruger dem som grund til det, han eller hun gør. Det kan gå hurtigt, \
eller det kan tage lang tid.";

/// The caveat before the signs, in plain Danish: the signs are an aid, not a checklist.
pub const PLAIN_WARNING_SIGNS_CAVEAT: &str = "Det kan være svært at vide, om du skal være \
bekymret. Tegnene her kan vise, at en person er på vej ind i ekstremisme. Eller at personen \
allerede er det. Ét tegn siger ikke så meget. Ser du flere tegn og ændringer på én gang, så sig \
det videre. Så kan andre se på det. Listen er ikke en tjekliste. Den er kun en hjælp.";

// ---------------------------------------------------------------------------------------------
// Warning signs (bekymringstegn, opmærksomhedspunkter)
// ---------------------------------------------------------------------------------------------

/// Shown wherever the warning signs are, because both plans insist on it: the signs must not
/// be ticked off as if enough ticks made a case.
pub const WARNING_SIGNS_CAVEAT: &str = "Det kan være svært at vide, om der er grund til at \
være bekymret. Opmærksomhedspunkterne kan være tegn på, at en person er involveret i \
ekstremisme eller er på vej til at blive det. Når en række adfærdsændringer og bekymrende tegn \
optræder på samme tid, kan der være grund til at reagere, så bekymringen kan blive undersøgt \
nærmere. Opmærksomhedspunkterne er derfor ikke en tjekliste, men alene et hjælperedskab.";

code_enum! {
    /// The two headings under which both plans list their signs.
    pub enum SignGroup {
        Individual => ("individual", "Individuelle tegn"),
        Social => ("social", "Sociale forhold og netværk"),
    }
}

/// One sign a reporter may tick when filing a concern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WarningSign {
    pub id: &'static str,
    pub group: SignGroup,
    /// The plans' words, as staff tick it on the concern form.
    pub label: &'static str,
    /// The same sign in plain Danish, for the public page and the action card.
    pub plain: &'static str,
}

const fn sign(
    id: &'static str,
    group: SignGroup,
    label: &'static str,
    plain: &'static str,
) -> WarningSign {
    WarningSign {
        id,
        group,
        label,
        plain,
    }
}

/// The signs of both plans, merged. Both plans print the same CDIE list (the first ten
/// individual and first five social signs, word for word); the rest come from the challenges
/// Randers names in section 2.1 and the causes both plans name in their introductions
/// (exclusion, vulnerability), so that a reporter can say what they saw in the plans' words.
pub const WARNING_SIGNS: &[WarningSign] = &[
    // Individual signs, the CDIE list.
    sign(
        "violence_readiness",
        SignGroup::Individual,
        "Udviser voldsparathed, f.eks. ved at være involveret i voldshandlinger eller voldelige sammenstød",
        "Er klar til at bruge vold, fx i slagsmål",
    ),
    sign(
        "interest_in_conflict_travel",
        SignGroup::Individual,
        "Viser interesse for at rejse til udlandet og deltage i konflikter eller træningsaktiviteter, hvor ekstreme grupper er involveret",
        "Vil rejse ud for at kæmpe i en krig eller for at træne med ekstreme grupper",
    ),
    sign(
        "seeks_extremist_material",
        SignGroup::Individual,
        "Opsøger hjemmesider, litteratur eller film med ekstremistiske eller voldslegitimerende budskaber",
        "Ser sider, bøger eller film, der hylder vold eller ekstreme ideer",
    ),
    sign(
        "threatens_or_pressures_others",
        SignGroup::Individual,
        "Truer, chikanerer eller udøver socialt pres over for andre",
        "Truer andre eller lægger pres på dem",
    ),
    sign(
        "takes_part_in_hateful_events",
        SignGroup::Individual,
        "Er involveret i begivenheder med hadefulde eller voldslegitimerende budskaber",
        "Går til møder, hvor man hylder had eller vold",
    ),
    sign(
        "spreads_violent_messages",
        SignGroup::Individual,
        "Udbreder voldslegitimerende budskaber, f.eks. via sociale medier",
        "Deler ting, der hylder vold, fx på nettet",
    ),
    sign(
        "fixated_on_cause_or_person",
        SignGroup::Individual,
        "Viser stor optagethed af en bestemt sag eller person",
        "Tænker hele tiden på én sag eller én person",
    ),
    sign(
        "contempt_for_others_views",
        SignGroup::Individual,
        "Udtrykker foragt for og intolerance over for andres holdninger",
        "Viser foragt for dem, der mener noget andet",
    ),
    sign(
        "preaching_and_moralising",
        SignGroup::Individual,
        "Har en prædikende og moraliserende adfærd",
        "Prædiker og vil bestemme, hvad der er rigtigt for andre",
    ),
    sign(
        "extremist_symbols_or_appearance",
        SignGroup::Individual,
        "Udviser tilknytning til ekstreme budskaber gennem sin påklædning, sit udseende eller brug af totalitære symboler",
        "Viser ekstreme ideer med sit tøj, sit look eller med symboler",
    ),
    // Individual signs from the plans' own text.
    sign(
        "travelled_to_conflict_zone",
        SignGroup::Individual,
        "Har rejst til et konfliktområde",
        "Har været i et land med krig",
    ),
    sign(
        "feels_excluded",
        SignGroup::Individual,
        "Oplever at være ekskluderet fra samfundet",
        "Føler sig holdt ude af samfundet",
    ),
    sign(
        "poor_wellbeing_or_psychiatric_diagnosis",
        SignGroup::Individual,
        "Mistrives eller har en psykiatrisk diagnose",
        "Har det dårligt eller har en psykisk sygdom",
    ),
    sign(
        "traumatised",
        SignGroup::Individual,
        "Er præget af traumer",
        "Bærer på svære ting fra fortiden (traumer)",
    ),
    // Social signs, the CDIE list.
    sign(
        "access_to_weapons",
        SignGroup::Social,
        "Færdes i miljøer med let adgang til våben",
        "Er tit steder, hvor det er let at få fat i våben",
    ),
    sign(
        "associates_with_extremists",
        SignGroup::Social,
        "Har social omgang med personer eller grupper, som har ekstreme holdninger",
        "Er sammen med folk eller grupper med ekstreme ideer",
    ),
    sign(
        "isolates_from_family_and_friends",
        SignGroup::Social,
        "Isolerer sig og tager afstand fra familie og hidtidige venskaber",
        "Trækker sig fra familie og gamle venner",
    ),
    sign(
        "breaks_ties_with_society",
        SignGroup::Social,
        "Afbryder uddannelse, opsiger job og anden tilknytning til det omgivende samfund",
        "Holder op i skole eller job og trækker sig fra resten af samfundet",
    ),
    sign(
        "dysfunctional_family",
        SignGroup::Social,
        "Familien er dysfunktionel",
        "Har en familie, der ikke fungerer",
    ),
    // Social signs from the plans' own text.
    sign(
        "criminal_environment",
        SignGroup::Social,
        "Har tilknytning til kriminelle miljøer",
        "Har kontakt til kriminelle",
    ),
    sign(
        "vulnerable_or_marginalised",
        SignGroup::Social,
        "Er socialt udsat, sårbar eller marginaliseret",
        "Står svagt og er uden for fællesskabet",
    ),
    sign(
        "recruited_online",
        SignGroup::Social,
        "Bliver kontaktet eller rekrutteret af ekstreme grupper, også online",
        "Bliver kontaktet eller hvervet af ekstreme grupper, også på nettet",
    ),
    sign(
        "radicalised_in_custody",
        SignGroup::Social,
        "Har været i kontakt med ekstremistiske miljøer under afsoning eller varetægt",
        "Har mødt ekstreme grupper i fængsel eller i arrest",
    ),
];

/// Looks a sign up by its stored id.
pub fn warning_sign(id: &str) -> Option<&'static WarningSign> {
    WARNING_SIGNS.iter().find(|s| s.id == id)
}

/// The signs of one group, in catalogue order.
pub fn warning_signs_in(group: SignGroup) -> impl Iterator<Item = &'static WarningSign> {
    WARNING_SIGNS.iter().filter(move |s| s.group == group)
}

// ---------------------------------------------------------------------------------------------
// Kinds of concern
// ---------------------------------------------------------------------------------------------

code_enum! {
    /// What the concern is about. The first three are the main forms of extremism in Denmark
    /// named by Randers; school shootings have been within Infohus' remit since the ministry's
    /// letter (Randers 2.1).
    pub enum ConcernKind {
        IslamistExtremism => ("islamist_extremism", "Ekstrem islamisme"),
        RightWingExtremism => ("right_wing_extremism", "Højreekstremisme"),
        LeftWingExtremism => ("left_wing_extremism", "Venstreekstremisme"),
        OtherOrUnclear => ("other_or_unclear", "Anden eller uklar"),
        SchoolShooting => ("school_shooting", "Skoleskyderi eller massevold"),
    }
}

// ---------------------------------------------------------------------------------------------
// Assessment (vurderingsværktøj)
// ---------------------------------------------------------------------------------------------

code_enum! {
    /// Whether a factor weighs towards or against concern.
    pub enum FactorKind {
        Risk => ("risk", "Risikofaktorer"),
        Protective => ("protective", "Beskyttende faktorer"),
    }
}

impl FactorKind {
    /// The kind of one factor, as a table cell names it.
    pub fn singular(self) -> &'static str {
        match self {
            FactorKind::Risk => "Risikofaktor",
            FactorKind::Protective => "Beskyttende faktor",
        }
    }
}

/// One factor the core group rates in its assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Factor {
    pub id: &'static str,
    pub kind: FactorKind,
    pub label: &'static str,
}

const fn factor(id: &'static str, kind: FactorKind, label: &'static str) -> Factor {
    Factor { id, kind, label }
}

/// Risk factors condense the warning signs; protective factors are what both plans build on
/// (inclusive communities, school and work, democratic and social skills as resilience).
/// The core group weighs them together: a holistic assessment, not a score.
pub const ASSESSMENT_FACTORS: &[Factor] = &[
    factor("violence_readiness", FactorKind::Risk, "Voldsparathed"),
    factor(
        "extremist_contacts",
        FactorKind::Risk,
        "Omgang med personer eller grupper med ekstreme holdninger",
    ),
    factor(
        "extremist_material",
        FactorKind::Risk,
        "Opsøger eller udbreder ekstremistisk eller voldslegitimerende materiale",
    ),
    factor(
        "threats_and_pressure",
        FactorKind::Risk,
        "Trusler, chikane eller socialt pres over for andre",
    ),
    factor(
        "conflict_travel",
        FactorKind::Risk,
        "Interesse for eller rejser til konflikter eller træningsaktiviteter",
    ),
    factor("weapons_access", FactorKind::Risk, "Let adgang til våben"),
    factor(
        "fixation",
        FactorKind::Risk,
        "Stor optagethed af en bestemt sag eller person",
    ),
    factor(
        "intolerance",
        FactorKind::Risk,
        "Foragt for og intolerance over for andres holdninger",
    ),
    factor(
        "isolation",
        FactorKind::Risk,
        "Isolation fra familie og hidtidige venskaber",
    ),
    factor(
        "broken_ties",
        FactorKind::Risk,
        "Afbrudt uddannelse, job eller anden tilknytning til samfundet",
    ),
    factor("family_problems", FactorKind::Risk, "Dysfunktionel familie"),
    factor(
        "criminal_environment",
        FactorKind::Risk,
        "Tilknytning til kriminelle miljøer",
    ),
    factor(
        "exclusion_and_vulnerability",
        FactorKind::Risk,
        "Oplevelse af eksklusion, sårbarhed eller marginalisering",
    ),
    factor(
        "mental_health",
        FactorKind::Risk,
        "Mistrivsel, psykisk sygdom eller traumer",
    ),
    factor(
        "supportive_family",
        FactorKind::Protective,
        "Støttende familie",
    ),
    factor(
        "school_or_job",
        FactorKind::Protective,
        "Tilknytning til skole, uddannelse eller job",
    ),
    factor(
        "friends_outside_milieu",
        FactorKind::Protective,
        "Venner uden for miljøet",
    ),
    factor(
        "trusted_adult",
        FactorKind::Protective,
        "En voksen, personen har tillid til",
    ),
    factor(
        "leisure_activities",
        FactorKind::Protective,
        "Fritidsaktiviteter, klub eller foreningsliv",
    ),
    factor(
        "belonging",
        FactorKind::Protective,
        "Oplever at høre til i fællesskaber",
    ),
    factor(
        "democratic_skills",
        FactorKind::Protective,
        "Demokratiske, kritiske og sociale kompetencer",
    ),
    factor("stable_housing", FactorKind::Protective, "Stabil bolig"),
    factor(
        "motivation_for_change",
        FactorKind::Protective,
        "Motivation for forandring og for at samarbejde",
    ),
];

/// Looks a factor up by its stored id.
pub fn assessment_factor(id: &str) -> Option<&'static Factor> {
    ASSESSMENT_FACTORS.iter().find(|f| f.id == id)
}

code_enum! {
    /// How strongly a factor is present. `Unknown` is kept apart from `NotSeen`: not knowing
    /// is a finding of its own and tells the core group what to find out.
    pub enum Rating {
        NotSeen => ("not_seen", "Ikke set"),
        Some => ("some", "Noget"),
        Marked => ("marked", "Markant"),
        Unknown => ("unknown", "Ukendt"),
    }
}

code_enum! {
    /// The angles from which the core group describes the person's situation.
    pub enum Dimension {
        Person => ("person", "Personen"),
        Network => ("network", "Netværk"),
        Ideology => ("ideology", "Ideologi"),
        IntentCapability => ("intent_capability", "Hensigt og evne"),
    }
}

impl Dimension {
    /// A sentence under the heading that says what belongs there.
    pub const fn hint(self) -> &'static str {
        match self {
            Self::Person => {
                "Personens trivsel, helbred, sårbarhed og livssituation, herunder skole, uddannelse eller job."
            }
            Self::Network => {
                "Familie, venner og fællesskaber, og kontakt til ekstreme eller kriminelle miljøer, også online."
            }
            Self::Ideology => {
                "Hvor optaget personen er af ekstreme synspunkter, og om vold eller andre ulovlige handlinger legitimeres."
            }
            Self::IntentCapability => {
                "Om der er tegn på vilje og mulighed for at begå vold eller andre ulovlige handlinger, f.eks. adgang til våben."
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Interventions (indsatser)
// ---------------------------------------------------------------------------------------------

code_enum! {
    /// Both plans split interventions at 18: Barnets lov below, Serviceloven above.
    pub enum AgeGroup {
        Under18 => ("under_18", "Under 18 år"),
        Adult => ("adult", "18 år og derover"),
    }
}

impl AgeGroup {
    /// The age group of someone born on `birth` as of `on`.
    pub fn at(birth: time::Date, on: time::Date) -> Self {
        let had_birthday = (on.month(), on.day()) >= (birth.month(), birth.day());
        let age = on.year() - birth.year() - i32::from(!had_birthday);
        if age >= 18 {
            Self::Adult
        } else {
            Self::Under18
        }
    }
}

/// One kind of measure a plan can contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InterventionType {
    pub id: &'static str,
    pub age: AgeGroup,
    pub label: &'static str,
}

const fn intervention(id: &'static str, age: AgeGroup, label: &'static str) -> InterventionType {
    InterventionType { id, age, label }
}

/// Ballerup's catalogue of possibilities for each age group, with Randers' § 12 b counselling
/// and the exit support both plans name. Ballerup stresses that the list is not exhaustive,
/// so each group ends with "other".
pub const INTERVENTION_TYPES: &[InterventionType] = &[
    intervention(
        "concern_conversation",
        AgeGroup::Under18,
        "Bekymringssamtale",
    ),
    intervention(
        "retention_in_club_or_education",
        AgeGroup::Under18,
        "Støtte til fastholdelse i klub eller uddannelse",
    ),
    intervention(
        "support_in_home",
        AgeGroup::Under18,
        "Praktisk, pædagogisk eller anden støtte i hjemmet",
    ),
    intervention(
        "family_treatment",
        AgeGroup::Under18,
        "Familiebehandling eller behandling af den unges problemer",
    ),
    intervention("residential_stay", AgeGroup::Under18, "Døgnophold"),
    intervention("respite_care", AgeGroup::Under18, "Aflastningsordning"),
    intervention("contact_person", AgeGroup::Under18, "Kontaktperson"),
    intervention("mentor_under_18", AgeGroup::Under18, "Mentor"),
    intervention(
        "exit_support_under_18",
        AgeGroup::Under18,
        "Støtte til at forlade et ekstremistisk miljø",
    ),
    intervention("other_under_18", AgeGroup::Under18, "Anden indsats (angiv)"),
    intervention(
        "outreach_guidance",
        AgeGroup::Adult,
        "Opsøgende vejledning og støtte",
    ),
    intervention(
        "support_contact_person",
        AgeGroup::Adult,
        "Støttekontaktperson",
    ),
    intervention("mentor_adult", AgeGroup::Adult, "Mentor"),
    intervention(
        "treatment_mental_illness_or_addiction",
        AgeGroup::Adult,
        "Støtte til behandling af sindslidelse eller misbrug",
    ),
    intervention(
        "housing_support",
        AgeGroup::Adult,
        "Botilbud eller støtte til bedre boligforhold",
    ),
    intervention(
        "education_or_job",
        AgeGroup::Adult,
        "Vejlednings- og opkvalificeringsforløb eller støtte i uddannelse eller job",
    ),
    intervention(
        "targeted_counselling_12b",
        AgeGroup::Adult,
        "Målrettet rådgivning efter Serviceloven § 12 b",
    ),
    intervention(
        "exit_support_adult",
        AgeGroup::Adult,
        "Støtte til at forlade et ekstremistisk miljø",
    ),
    intervention("other_adult", AgeGroup::Adult, "Anden indsats (angiv)"),
];

/// Looks an intervention type up by its stored id.
pub fn intervention_type(id: &str) -> Option<&'static InterventionType> {
    INTERVENTION_TYPES.iter().find(|t| t.id == id)
}

/// The intervention types offered for one age group, in catalogue order.
pub fn intervention_types_for(age: AgeGroup) -> impl Iterator<Item = &'static InterventionType> {
    INTERVENTION_TYPES.iter().filter(move |t| t.age == age)
}

code_enum! {
    /// The law an intervention is given under. `Other` requires the plan to name it.
    pub enum LegalBasis {
        BarnetsLov => ("barnets_lov", "Barnets lov § 32 (støttende indsatser til barnet eller den unge)"),
        Serviceloven12b => ("serviceloven_12b", "Serviceloven § 12 b (forebyggende indsats for voksne)"),
        Other => ("other", "Anden (angiv)"),
    }
}

impl LegalBasis {
    /// The bases that fit a person of this age: Barnets lov only for children and young people
    /// under 18.
    pub fn for_age(age: AgeGroup) -> &'static [LegalBasis] {
        match age {
            AgeGroup::Under18 => &[
                LegalBasis::BarnetsLov,
                LegalBasis::Serviceloven12b,
                LegalBasis::Other,
            ],
            AgeGroup::Adult => &[LegalBasis::Serviceloven12b, LegalBasis::Other],
        }
    }

    /// The basis a new intervention starts with, so the form suggests the usual one.
    pub const fn default_for(age: AgeGroup) -> Self {
        match age {
            AgeGroup::Under18 => Self::BarnetsLov,
            AgeGroup::Adult => Self::Serviceloven12b,
        }
    }
}

code_enum! {
    pub enum InterventionStatus {
        Planned => ("planned", "Planlagt"),
        Active => ("active", "Aktiv"),
        Completed => ("completed", "Afsluttet"),
        Stopped => ("stopped", "Stoppet"),
        /// Answered at closing: the intervention goes on under another authority.
        ContinuesOutside => ("continues_outside", "Fortsætter uden for Infohus"),
    }
}

impl InterventionStatus {
    /// The statuses a plan or a review sets; continuing outside Infohus is an answer given
    /// when the case closes.
    pub const IN_PLAN: [InterventionStatus; 4] = [
        InterventionStatus::Planned,
        InterventionStatus::Active,
        InterventionStatus::Completed,
        InterventionStatus::Stopped,
    ];

    /// A status a plan or review form may set.
    pub fn parse_in_plan(raw: &str) -> Option<InterventionStatus> {
        InterventionStatus::parse(raw).filter(|s| Self::IN_PLAN.contains(s))
    }
}

// ---------------------------------------------------------------------------------------------
// Prevention levels and closing
// ---------------------------------------------------------------------------------------------

code_enum! {
    /// The prevention triangle (forebyggelsestrekanten) both plans use as a common language.
    pub enum Level {
        Building => ("building", "Opbyggende"),
        Preemptive => ("preemptive", "Foregribende"),
        Intervening => ("intervening", "Indgribende"),
    }
}

impl Level {
    /// Whom the level is aimed at, as the plans put it.
    pub const fn target_group(self) -> &'static str {
        match self {
            Self::Building => "Alle borgere, særligt børn og unge",
            Self::Preemptive => "Personer eller grupper i risiko for radikalisering",
            Self::Intervening => "Personer i ekstremistiske miljøer",
        }
    }
}

code_enum! {
    /// Why a case was closed; each exit of the flow has its own reason so the quarterly
    /// figures can tell them apart.
    pub enum CloseReason {
        GoalsMet => ("goals_met", "Mål nået"),
        EndedOtherwise => ("ended_otherwise", "Afsluttet af anden grund"),
        Moved => ("moved", "Flyttet til anden kommune"),
        NoBasis => ("no_basis", "Intet grundlag for bekymring"),
        NotForInfohus => ("not_for_infohus", "Ikke til Infohus (politiet håndterer)"),
        OutsideRemit => ("outside_remit", "Uden for Infohus' område"),
        Duplicate => ("duplicate", "Dublet"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn assert_unique<'a>(what: &str, ids: impl Iterator<Item = &'a str>) {
        let mut seen = HashSet::new();
        for id in ids {
            assert!(seen.insert(id), "{what}: id {id} appears twice");
            assert!(
                !id.is_empty()
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{what}: id {id} is not snake_case"
            );
        }
    }

    /// The id must round-trip through the parser and match the serde name, because forms use
    /// one and JSON the other.
    fn assert_codes<T>(values: &[T], as_str: fn(T) -> &'static str, parse: fn(&str) -> Option<T>)
    where
        T: Copy + PartialEq + std::fmt::Debug + serde::Serialize,
    {
        assert_unique("enum", values.iter().map(|v| as_str(*v)));
        for v in values {
            assert_eq!(parse(as_str(*v)), Some(*v));
            let json = serde_json::to_string(v).expect("serialises");
            assert_eq!(json, format!("\"{}\"", as_str(*v)));
        }
        assert_eq!(parse(""), None);
        assert_eq!(parse("no_such_code"), None);
    }

    #[test]
    fn every_enum_round_trips_through_its_id() {
        assert_codes(&SignGroup::ALL, SignGroup::as_str, SignGroup::parse);
        assert_codes(&ConcernKind::ALL, ConcernKind::as_str, ConcernKind::parse);
        assert_codes(&FactorKind::ALL, FactorKind::as_str, FactorKind::parse);
        assert_codes(&Rating::ALL, Rating::as_str, Rating::parse);
        assert_codes(&Dimension::ALL, Dimension::as_str, Dimension::parse);
        assert_codes(&AgeGroup::ALL, AgeGroup::as_str, AgeGroup::parse);
        assert_codes(&LegalBasis::ALL, LegalBasis::as_str, LegalBasis::parse);
        assert_codes(
            &InterventionStatus::ALL,
            InterventionStatus::as_str,
            InterventionStatus::parse,
        );
        assert_codes(&Level::ALL, Level::as_str, Level::parse);
        assert_codes(&CloseReason::ALL, CloseReason::as_str, CloseReason::parse);
    }

    #[test]
    fn catalogue_ids_are_unique_snake_case() {
        assert_unique("warning signs", WARNING_SIGNS.iter().map(|s| s.id));
        assert_unique("factors", ASSESSMENT_FACTORS.iter().map(|f| f.id));
        assert_unique("interventions", INTERVENTION_TYPES.iter().map(|t| t.id));
    }

    #[test]
    fn catalogue_labels_are_unique_within_their_group() {
        for group in SignGroup::ALL {
            let labels: HashSet<_> = warning_signs_in(group).map(|s| s.label).collect();
            assert_eq!(labels.len(), warning_signs_in(group).count());
        }
        for age in AgeGroup::ALL {
            let labels: HashSet<_> = intervention_types_for(age).map(|t| t.label).collect();
            assert_eq!(labels.len(), intervention_types_for(age).count());
        }
    }

    #[test]
    fn both_groups_have_signs_and_lookup_finds_them() {
        assert!(warning_signs_in(SignGroup::Individual).count() >= 12);
        assert!(warning_signs_in(SignGroup::Social).count() >= 5);
        assert_eq!(
            warning_sign("access_to_weapons").map(|s| s.group),
            Some(SignGroup::Social)
        );
        assert!(warning_sign("nonsense").is_none());
        assert!(WARNING_SIGNS_CAVEAT.contains("ikke en tjekliste"));
    }

    #[test]
    fn factors_include_risk_and_protection() {
        let risk = ASSESSMENT_FACTORS
            .iter()
            .filter(|f| f.kind == FactorKind::Risk)
            .count();
        let protective = ASSESSMENT_FACTORS.len() - risk;
        assert!((10..=14).contains(&risk));
        assert!(protective >= 8);
        assert_eq!(
            assessment_factor("trusted_adult").map(|f| f.kind),
            Some(FactorKind::Protective)
        );
    }

    #[test]
    fn interventions_are_split_by_age_with_the_usual_legal_basis() {
        assert!(intervention_types_for(AgeGroup::Under18).any(|t| t.id == "concern_conversation"));
        assert!(
            intervention_types_for(AgeGroup::Adult).any(|t| t.id == "targeted_counselling_12b")
        );
        assert!(intervention_types_for(AgeGroup::Adult).all(|t| t.age == AgeGroup::Adult));
        assert_eq!(
            intervention_type("mentor_adult").map(|t| t.age),
            Some(AgeGroup::Adult)
        );
        assert_eq!(
            LegalBasis::default_for(AgeGroup::Under18),
            LegalBasis::BarnetsLov
        );
        assert_eq!(
            LegalBasis::default_for(AgeGroup::Adult),
            LegalBasis::Serviceloven12b
        );
    }

    #[test]
    fn age_group_turns_adult_on_the_eighteenth_birthday() {
        use time::macros::date;
        let birth = date!(2008 - 03 - 15);
        assert_eq!(
            AgeGroup::at(birth, date!(2026 - 03 - 14)),
            AgeGroup::Under18
        );
        assert_eq!(AgeGroup::at(birth, date!(2026 - 03 - 15)), AgeGroup::Adult);
    }

    #[test]
    fn labels_are_the_danish_ones() {
        assert_eq!(
            ConcernKind::SchoolShooting.label(),
            "Skoleskyderi eller massevold"
        );
        assert_eq!(Rating::Marked.label(), "Markant");
        assert_eq!(Level::Preemptive.label(), "Foregribende");
        assert_eq!(
            CloseReason::NotForInfohus.label(),
            "Ikke til Infohus (politiet håndterer)"
        );
        assert!(Dimension::ALL.iter().all(|d| d.hint().ends_with('.')));
    }
}
