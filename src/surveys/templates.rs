//! The ready-made question sets: the network feedback survey on the regional coordination
//! work (the eleven statements the Kansa-koulu networks answered), the end-of-course feedback
//! every cohort gets, and the counties' current-state assessment (nykytilakartoitus). Questions
//! are copied into a survey when it is created, so editing a template never changes the
//! answers already given.

use super::{NewQuestion, QuestionKind};

/// A template question: kind, Finnish, Swedish, English, and whether a Likert statement also
/// asks for an open answer ("what?").
type T = (QuestionKind, &'static str, &'static str, &'static str, bool);

const L: QuestionKind = QuestionKind::Likert;
const O: QuestionKind = QuestionKind::Open;

/// The network feedback survey's title and introduction: Finnish, Swedish, English.
pub const NETWORK_FEEDBACK_TITLE: [&str; 3] = [
    "Palautekysely aluekoordinaation työstä",
    "Enkät om den regionala koordineringen",
    "Feedback on the regional coordination work",
];
pub const NETWORK_FEEDBACK_INTRO: [&str; 3] = [
    "Kerro, miten aluekoordinaatio on tukenut verkostonne työtä tänä vuonna.",
    "Berätta hur den regionala koordineringen har stött ert nätverks arbete i år.",
    "Tell us how the regional coordination has supported your network's work this year.",
];
/// The current-state assessment's title (the year follows): Finnish, Swedish, English.
pub const ASSESSMENT_TITLE: [&str; 3] = [
    "Nykytilakartoitus",
    "Kartläggning av nuläget",
    "Current-state assessment",
];

/// The network feedback survey on the regional coordination work.
pub const NETWORK_FEEDBACK: [T; 12] = [
    (
        L,
        "Tapaamisia oli riittävästi.",
        "Det fanns tillräckligt med möten.",
        "There were enough meetings.",
        false,
    ),
    (
        L,
        "Sain apua asiantuntijarekisterin siirtämisessä.",
        "Jag fick hjälp med att överföra expertregistret.",
        "I got help with transferring the expert registry.",
        false,
    ),
    (
        L,
        "Sain koordinaattorilta muuta tukea. Mitä?",
        "Jag fick annat stöd av koordinatorn. Vilket?",
        "I got other support from the coordinator. What?",
        true,
    ),
    (
        L,
        "Sain hyödyllistä tietoa valtakunnallisesta kehittämisestä.",
        "Jag fick nyttig information om utvecklingsarbetet på nationell nivå.",
        "I got useful information on national development.",
        false,
    ),
    (
        L,
        "Sain apua nykytilakartoituksen täyttämisessä.",
        "Jag fick hjälp med att fylla i kartläggningen av nuläget.",
        "I got help filling in the current-state survey.",
        false,
    ),
    (
        L,
        "Sain apua kirjaamisosaamisen kehittämiseen hyvinvointialueellamme.",
        "Jag fick hjälp med att utveckla dokumentationskompetensen i vårt välfärdsområde.",
        "I got help developing documentation skills in our county.",
        false,
    ),
    (
        L,
        "Sain apua asiantuntijaverkoston käynnistämisessä.",
        "Jag fick hjälp med att starta expertnätverket.",
        "I got help starting the expert network.",
        false,
    ),
    (
        L,
        "Sain ammatillista tukea kirjaamisen kehittäjän rooliini.",
        "Jag fick professionellt stöd i min roll som utvecklare av dokumentationen.",
        "I got professional support in my role as a developer of documentation.",
        false,
    ),
    (
        L,
        "Sain apua asiantuntijaverkoston ylläpitämisessä.",
        "Jag fick hjälp med att driva expertnätverket.",
        "I got help running the expert network.",
        false,
    ),
    (
        L,
        "Sain apua asiantuntijavalmennuksen osallistujien valinnassa.",
        "Jag fick hjälp med att välja deltagare till expertutbildningen.",
        "I got help choosing participants for the expert training.",
        false,
    ),
    (
        L,
        "Sain apua johdolle suunnatussa viestinnässä.",
        "Jag fick hjälp med kommunikationen riktad till ledningen.",
        "I got help with communication aimed at managers.",
        false,
    ),
    (
        O,
        "Mitä muuta haluat sanoa aluekoordinaation työstä?",
        "Vad mer vill du säga om den regionala koordineringen?",
        "What else would you like to say about the regional coordination work?",
        false,
    ),
];

/// The end-of-course feedback survey every cohort gets.
pub const COURSE_FEEDBACK: [T; 8] = [
    (
        L,
        "Valmennuksen sisältö vastasi odotuksiani.",
        "Utbildningens innehåll motsvarade mina förväntningar.",
        "The course content met my expectations.",
        false,
    ),
    (
        L,
        "Opin valmennuksessa asioita, joita voin käyttää työssäni.",
        "Jag lärde mig saker som jag kan använda i mitt arbete.",
        "I learned things I can use in my work.",
        false,
    ),
    (
        L,
        "Valmentajat vastasivat kysymyksiini riittävän nopeasti.",
        "Utbildarna svarade tillräckligt snabbt på mina frågor.",
        "The trainers answered my questions quickly enough.",
        false,
    ),
    (
        L,
        "Keskustelut muiden valmennettavien kanssa olivat hyödyllisiä.",
        "Diskussionerna med de andra deltagarna var nyttiga.",
        "The discussions with other trainees were useful.",
        false,
    ),
    (
        L,
        "Valmennukseen varattu työaika riitti.",
        "Den arbetstid som reserverats för utbildningen räckte.",
        "The work time set aside for the course was enough.",
        false,
    ),
    (
        L,
        "Koen olevani valmis kouluttamaan kirjaamista omassa organisaatiossani.",
        "Jag känner mig redo att utbilda i dokumentation i min egen organisation.",
        "I feel ready to train documentation in my own organisation.",
        false,
    ),
    (
        O,
        "Mikä valmennuksessa oli parasta?",
        "Vad var bäst i utbildningen?",
        "What was best about the course?",
        false,
    ),
    (
        O,
        "Miten valmennusta pitäisi kehittää?",
        "Hur borde utbildningen utvecklas?",
        "How should the course be improved?",
        false,
    ),
];

/// The current-state assessment of a county's client documentation, answered once a year.
pub const ASSESSMENT: [T; 8] = [
    (
        L,
        "Hyvinvointialueella on ajantasainen kirjaamisen ohjeistus.",
        "Välfärdsområdet har aktuella anvisningar för dokumentation.",
        "The county has up-to-date documentation guidelines.",
        false,
    ),
    (
        L,
        "Asiakastiedot kirjataan määrämuotoisesti asiakirjarakenteiden mukaisesti.",
        "Klientuppgifterna dokumenteras strukturerat enligt dokumentstrukturerna.",
        "Client data is documented in structured form following the record structures.",
        false,
    ),
    (
        L,
        "Sosiaalihuollon asiakasasiakirjat arkistoidaan Kanta-palveluihin.",
        "Socialvårdens klienthandlingar arkiveras i Kanta-tjänsterna.",
        "Social-welfare client records are archived in the Kanta services.",
        false,
    ),
    (
        L,
        "Henkilöstöllä on riittävä kirjaamisosaaminen.",
        "Personalen har tillräcklig dokumentationskompetens.",
        "The staff have sufficient documentation skills.",
        false,
    ),
    (
        L,
        "Kirjaamisasiantuntijoiden verkosto toimii aktiivisesti.",
        "Nätverket av dokumentationsexperter är aktivt.",
        "The network of documentation experts is active.",
        false,
    ),
    (
        L,
        "Johto tukee kirjaamisen kehittämistä.",
        "Ledningen stöder utvecklingen av dokumentationen.",
        "Management supports the development of documentation.",
        false,
    ),
    (
        O,
        "Mitkä ovat kirjaamisen tärkeimmät kehittämiskohteet?",
        "Vilka är de viktigaste utvecklingsområdena inom dokumentationen?",
        "What are the most important areas to develop in documentation?",
        false,
    ),
    (
        O,
        "Mitä tukea tarvitsette osaamiskeskukselta?",
        "Vilket stöd behöver ni av kompetenscentret?",
        "What support do you need from the competence centre?",
        false,
    ),
];

/// The questions of a template by its name (`network_feedback`, `course_feedback`,
/// `assessment`); `None` for any other name.
/// The short feedback participants give on a training an expert held in their organisation.
pub const TRAINING_FEEDBACK: [T; 6] = [
    (
        L,
        "Koulutus auttaa minua kirjaamaan omassa työssäni.",
        "Utbildningen hjälper mig att dokumentera i mitt eget arbete.",
        "The training helps me document in my own work.",
        false,
    ),
    (
        L,
        "Esimerkit ja harjoitukset liittyivät työhöni.",
        "Exemplen och övningarna hade anknytning till mitt arbete.",
        "The examples and exercises related to my work.",
        false,
    ),
    (
        L,
        "Kouluttaja selitti asiat ymmärrettävästi.",
        "Utbildaren förklarade saker på ett begripligt sätt.",
        "The trainer explained things clearly.",
        false,
    ),
    (
        L,
        "Aion muuttaa jotakin omassa kirjaamisessani. Mitä?",
        "Jag tänker ändra något i min egen dokumentation. Vad?",
        "I intend to change something in my own documentation. What?",
        true,
    ),
    (
        O,
        "Mikä koulutuksessa oli hyödyllisintä?",
        "Vad var mest nyttigt i utbildningen?",
        "What was most useful in the training?",
        false,
    ),
    (
        O,
        "Mistä aiheesta haluaisit lisää koulutusta?",
        "Om vilket ämne skulle du vilja ha mer utbildning?",
        "On which topic would you like more training?",
        false,
    ),
];

pub fn questions(name: &str) -> Option<Vec<NewQuestion>> {
    let set: &[T] = match name {
        "training_feedback" => &TRAINING_FEEDBACK,
        "network_feedback" => &NETWORK_FEEDBACK,
        "course_feedback" => &COURSE_FEEDBACK,
        "assessment" => &ASSESSMENT,
        _ => return None,
    };
    Some(
        set.iter()
            .map(|(kind, fi, sv, en, follow_up)| NewQuestion {
                kind: *kind,
                text_fi: fi.to_string(),
                text_sv: sv.to_string(),
                text_en: en.to_string(),
                follow_up: *follow_up,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_network_survey_has_eleven_statements_and_one_asks_what() {
        let q = super::questions("network_feedback").unwrap();
        let likert: Vec<_> = q
            .iter()
            .filter(|q| q.kind == super::QuestionKind::Likert)
            .collect();
        assert_eq!(likert.len(), 11);
        assert!(likert[2].follow_up);
        assert_eq!(likert.iter().filter(|q| q.follow_up).count(), 1);
        assert!(super::questions("nonsense").is_none());
        for name in ["network_feedback", "course_feedback", "assessment"] {
            for q in super::questions(name).unwrap() {
                assert!(!q.text_fi.is_empty() && !q.text_sv.is_empty() && !q.text_en.is_empty());
            }
        }
    }
}
