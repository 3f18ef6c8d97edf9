<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="da">
<context>
    <name>agent</name>
    <message>
        <source>Borgerens kode</source>
        <translation>Citizen&apos;s code</translation>
    </message>
    <message>
        <source>Spørg borgeren igen</source>
        <translation>Ask the citizen again</translation>
    </message>
    <message>
        <source>&lt;h1&gt;Ny borger&lt;/h1&gt;Skriv koden, som borgeren læser op ({digits} cifre, mellemrum er valgfrie):</source>
        <translation>&lt;h1&gt;New citizen&lt;/h1&gt;Type the code the citizen reads out ({digits} digits, spaces are optional):</translation>
    </message>
    <message>
        <source>Logget ind som &lt;b&gt;{name}&lt;/b&gt; ({municipality})</source>
        <translation>Signed in as &lt;b&gt;{name}&lt;/b&gt; ({municipality})</translation>
    </message>
    <message>
        <source>Vælg eller skriv emne</source>
        <translation>Choose or type a topic</translation>
    </message>
    <message>
        <source>Borgerens kommune</source>
        <translation>Citizen&apos;s municipality</translation>
    </message>
    <message>
        <source>Vælg udfald …</source>
        <translation>Choose outcome …</translation>
    </message>
    <message>
        <source>Note (skriv aldrig CPR-nummer eller andre personoplysninger)</source>
        <translation>Note (never write a CPR number or other personal data)</translation>
    </message>
    <message>
        <source>Gem &amp;note</source>
        <translation>Save &amp;note</translation>
    </message>
    <message>
        <source>&amp;Afslut session</source>
        <translation>&amp;End session</translation>
    </message>
    <message>
        <source>&amp;Emne:</source>
        <translation>&amp;Topic:</translation>
    </message>
    <message>
        <source>&amp;Kommune:</source>
        <translation>&amp;Municipality:</translation>
    </message>
    <message>
        <source>&amp;Udfald:</source>
        <translation>&amp;Outcome:</translation>
    </message>
    <message>
        <source>Noten</source>
        <translation>The note</translation>
    </message>
    <message>
        <source>Emnet</source>
        <translation>The topic</translation>
    </message>
    <message>
        <source>{count} note(r) gemt.</source>
        <translation>{count} note(s) saved.</translation>
    </message>
    <message>
        <source>Vælg et udfald, før du afslutter.</source>
        <translation>Choose an outcome before you end.</translation>
    </message>
    <message>
        <source>Log ind – Digital hjælp</source>
        <translation>Sign in – Digital help</translation>
    </message>
    <message>
        <source>Log ind</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <source>Annullér</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>&amp;Relæ-adresse:</source>
        <translation>&amp;Relay address:</translation>
    </message>
    <message>
        <source>&amp;Brugernavn:</source>
        <translation>&amp;User name:</translation>
    </message>
    <message>
        <source>&amp;Adgangskode:</source>
        <translation>&amp;Password:</translation>
    </message>
    <message>
        <source>&lt;h2&gt;Log ind på hotlinen&lt;/h2&gt;</source>
        <translation>&lt;h2&gt;Sign in to the hotline&lt;/h2&gt;</translation>
    </message>
    <message>
        <source>relæ-adresse</source>
        <translation>relay address</translation>
    </message>
    <message>
        <source>brugernavn</source>
        <translation>user name</translation>
    </message>
    <message>
        <source>adgangskode</source>
        <translation>password</translation>
    </message>
    <message>
        <source>Udfyld {fields}.</source>
        <translation>Fill in {fields}.</translation>
    </message>
    <message>
        <source> og </source>
        <translation> and </translation>
    </message>
    <message>
        <source>Relæ-adressen skal begynde med wss:// (eller ws:// i test).</source>
        <translation>The relay address must start with wss:// (or ws:// when testing).</translation>
    </message>
    <message>
        <source>Logger ind …</source>
        <translation>Signing in …</translation>
    </message>
    <message>
        <source>{rate} bill./s</source>
        <translation>{rate} frames/s</translation>
    </message>
    <message>
        <source>Forkert brugernavn eller adgangskode.</source>
        <translation>Wrong user name or password.</translation>
    </message>
    <message>
        <source>Din konto er spærret. Kontakt IT-afdelingen.</source>
        <translation>Your account is blocked. Contact the IT department.</translation>
    </message>
    <message>
        <source>Kan ikke få forbindelse til relæet. Tjek adressen og din internetforbindelse.</source>
        <translation>Cannot reach the relay. Check the address and your internet connection.</translation>
    </message>
    <message>
        <source>For mange forsøg. Vent et par minutter, og prøv igen.</source>
        <translation>Too many attempts. Wait a few minutes and try again.</translation>
    </message>
    <message>
        <source>Relæet kører en anden version. Opdatér agent-programmet.</source>
        <translation>The relay runs another version. Update the agent program.</translation>
    </message>
    <message>
        <source>Relæet svarede ikke i tide. Prøv igen.</source>
        <translation>The relay did not answer in time. Try again.</translation>
    </message>
    <message>
        <source>Relæet svarede uventet. Tjek adressen.</source>
        <translation>The relay answered unexpectedly. Check the address.</translation>
    </message>
    <message>
        <source>Koden findes ikke eller er udløbet. Bed borgeren læse koden op igen.</source>
        <translation>The code does not exist or has expired. Ask the citizen to read the code again.</translation>
    </message>
    <message>
        <source>Koden er allerede brugt. Bed borgeren om en ny kode.</source>
        <translation>The code has already been used. Ask the citizen for a new code.</translation>
    </message>
    <message>
        <source>For mange forsøg med koder. Vent lidt, og prøv igen.</source>
        <translation>Too many code attempts. Wait a little and try again.</translation>
    </message>
    <message>
        <source>Ikke forbundet til relæet. Log ind igen.</source>
        <translation>Not connected to the relay. Sign in again.</translation>
    </message>
    <message>
        <source>Den forrige session er ikke helt afsluttet. Prøv igen om et øjeblik.</source>
        <translation>The previous session has not quite ended. Try again in a moment.</translation>
    </message>
    <message>
        <source>Sessionen er afsluttet.</source>
        <translation>The session has ended.</translation>
    </message>
    <message>
        <source>Koden passede ikke. Borgeren får en ny kode – bed om at få den læst op.</source>
        <translation>The code did not match. The citizen gets a new code – ask them to read it out.</translation>
    </message>
    <message>
        <source>Sessionen blev stoppet af sikkerhedsgrunde: forbindelsen blev forstyrret.</source>
        <translation>The session was stopped for security reasons: the connection was tampered with.</translation>
    </message>
    <message>
        <source>Sessionen blev stoppet på grund af en fejl i forbindelsen.</source>
        <translation>The session was stopped because of an error in the connection.</translation>
    </message>
    <message>
        <source>Forbindelsen til borgeren blev afbrudt.</source>
        <translation>The connection to the citizen was lost.</translation>
    </message>
    <message>
        <source>Borgeren afsluttede sessionen.</source>
        <translation>The citizen ended the session.</translation>
    </message>
    <message>
        <source>Borgeren lukkede programmet.</source>
        <translation>The citizen closed the program.</translation>
    </message>
    <message>
        <source>Borgeren sagde nej til skærmdeling.</source>
        <translation>The citizen said no to screen sharing.</translation>
    </message>
    <message>
        <source>Borgeren kom ikke tilbage i tide – sessionen er lukket.</source>
        <translation>The citizen did not come back in time – the session is closed.</translation>
    </message>
    <message>
        <source>Borgeren bad om en ny kode – sessionen er lukket.</source>
        <translation>The citizen asked for a new code – the session is closed.</translation>
    </message>
    <message>
        <source>Forbindelsen til relæet blev afbrudt – sessionen er lukket og gemt. Log ind igen; borgeren får en ny kode.</source>
        <translation>The connection to the relay was lost – the session is closed and saved. Sign in again; the citizen gets a new code.</translation>
    </message>
    <message>
        <source>Sessionen sluttede uventet.</source>
        <translation>The session ended unexpectedly.</translation>
    </message>
    <message>
        <source>Ikke logget ind</source>
        <translation>Not signed in</translation>
    </message>
    <message>
        <source>Klar – skriv borgerens kode</source>
        <translation>Ready – type the citizen&apos;s code</translation>
    </message>
    <message>
        <source>Forbinder til borgeren …</source>
        <translation>Connecting to the citizen …</translation>
    </message>
    <message>
        <source>Kontrollerer koden …</source>
        <translation>Checking the code …</translation>
    </message>
    <message>
        <source>Venter på at borgeren tillader skærmdeling …</source>
        <translation>Waiting for the citizen to allow screen sharing …</translation>
    </message>
    <message>
        <source>Borgeren sagde nej til skærmdeling</source>
        <translation>The citizen said no to screen sharing</translation>
    </message>
    <message>
        <source>Forbundet – du ser borgerens skærm</source>
        <translation>Connected – you see the citizen&apos;s screen</translation>
    </message>
    <message>
        <source>Venter på at borgeren giver dig kontrol …</source>
        <translation>Waiting for the citizen to give you control …</translation>
    </message>
    <message>
        <source>Du styrer borgerens mus og tastatur</source>
        <translation>You control the citizen&apos;s mouse and keyboard</translation>
    </message>
    <message>
        <source>Borgeren har sat skærmdelingen på pause</source>
        <translation>The citizen has paused screen sharing</translation>
    </message>
    <message>
        <source>Borgerens forbindelse er afbrudt – venter …</source>
        <translation>The citizen&apos;s connection is lost – waiting …</translation>
    </message>
    <message>
        <source>Sessionen er slut</source>
        <translation>The session is over</translation>
    </message>
    <message>
        <source>Løst</source>
        <translation>Solved</translation>
    </message>
    <message>
        <source>Borgeren gjorde det færdigt selv</source>
        <translation>The citizen finished on their own</translation>
    </message>
    <message>
        <source>Man</source>
        <translation>Mon</translation>
    </message>
    <message>
        <source>Tir</source>
        <translation>Tue</translation>
    </message>
    <message>
        <source>Ons</source>
        <translation>Wed</translation>
    </message>
    <message>
        <source>Tor</source>
        <translation>Thu</translation>
    </message>
    <message>
        <source>Fre</source>
        <translation>Fri</translation>
    </message>
    <message>
        <source>Lør</source>
        <translation>Sat</translation>
    </message>
    <message>
        <source>Søn</source>
        <translation>Sun</translation>
    </message>
    <message>
        <source>Borgeren klarede resten selv</source>
        <translation>The citizen did the rest alone</translation>
    </message>
    <message>
        <source>Henvist til borger.dk</source>
        <translation>Referred to borger.dk</translation>
    </message>
    <message>
        <source>Henvist til skat.dk</source>
        <translation>Referred to skat.dk</translation>
    </message>
    <message>
        <source>Uden for området (CPR)</source>
        <translation>Out of scope (CPR)</translation>
    </message>
    <message>
        <source>Afbrudt (intet udfald valgt)</source>
        <translation>Interrupted (no outcome chosen)</translation>
    </message>
    <message>
        <source>Kun supervisorer og administratorer kan se hotlinens statistik.</source>
        <translation>Only supervisors and administrators can see the hotline&apos;s statistics.</translation>
    </message>
    <message>
        <source>Slutdatoen ligger før startdatoen.</source>
        <translation>The end date is before the start date.</translation>
    </message>
    <message>
        <source>Du er ikke logget ind på relæet.</source>
        <translation>You are not signed in to the relay.</translation>
    </message>
    <message>
        <source>Forbindelsen til relæet blev afbrudt. Prøv igen.</source>
        <translation>The connection to the relay was lost. Try again.</translation>
    </message>
    <message>
        <source>Hotlinens statistik</source>
        <translation>The hotline&apos;s statistics</translation>
    </message>
    <message>
        <source>Vis</source>
        <translation>Show</translation>
    </message>
    <message>
        <source>Vælg en periode og tryk Vis.</source>
        <translation>Choose a period and press Show.</translation>
    </message>
    <message>
        <source>Henvendelser pr. ugedag</source>
        <translation>Contacts per weekday</translation>
    </message>
    <message>
        <source>Henvendelser pr. time</source>
        <translation>Contacts per hour</translation>
    </message>
    <message>
        <source>Emner</source>
        <translation>Topics</translation>
    </message>
    <message>
        <source>Udfald</source>
        <translation>Outcomes</translation>
    </message>
    <message>
        <source>Kommuner</source>
        <translation>Municipalities</translation>
    </message>
    <message>
        <source>Fra</source>
        <translation>From</translation>
    </message>
    <message>
        <source>Til</source>
        <translation>To</translation>
    </message>
    <message>
        <source>&lt;b&gt;Hvor sessionerne stoppede, pr. tjekliste&lt;/b&gt;</source>
        <translation>&lt;b&gt;Where the sessions stopped, per checklist&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Hvor borgerne går i stå: trin hvor sessionen sluttede uløst eller agenten måtte tage styringen&lt;/b&gt;</source>
        <translation>&lt;b&gt;Where citizens get stuck: steps where the session ended unsolved or the agent had to take control&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Henter statistik …</source>
        <translation>Fetching statistics …</translation>
    </message>
    <message>
        <source>Statistikken kunne ikke hentes ({error}).</source>
        <translation>The statistics could not be fetched ({error}).</translation>
    </message>
    <message>
        <source> Kun de største emner, kommuner og tjeklister er vist (resten er samlet som «andre»); den fulde rapport: cobrowse-relay report.</source>
        <translation> Only the largest topics, municipalities and checklists are shown (the rest are grouped as “others”); the full report: cobrowse-relay report.</translation>
    </message>
    <message>
        <source>Periode {first} – {last}: {contacts} henvendelser.</source>
        <translation>Period {first} – {last}: {contacts} contacts.</translation>
    </message>
    <message>
        <source>Ingen tjeklister brugt i perioden.</source>
        <translation>No checklists used in the period.</translation>
    </message>
    <message>
        <source>(øvrige)</source>
        <translation>(others)</translation>
    </message>
    <message>
        <source>Henvendelser</source>
        <translation>Contacts</translation>
    </message>
    <message>
        <source>Median varighed</source>
        <translation>Median duration</translation>
    </message>
    <message>
        <source>90 % af sessionerne varede højst</source>
        <translation>90 % of the sessions lasted at most</translation>
    </message>
    <message>
        <source>Tid med agentens styring</source>
        <translation>Time under the agent&apos;s control</translation>
    </message>
    <message>
        <source>Tid hvor borgeren styrede</source>
        <translation>Time the citizen was in control</translation>
    </message>
    <message>
        <source>{name}: alle {sessions} sessioner gennemførte tjeklisten</source>
        <translation>{name}: all {sessions} sessions completed the checklist</translation>
    </message>
    <message>
        <source>{name}: oftest ved trin {step} ({stopped} af {sessions} sessioner; {completed} gennemført)</source>
        <translation>{name}: most often at step {step} ({stopped} of {sessions} sessions; {completed} completed)</translation>
    </message>
    <message>
        <source>Uden for området – borgerens egen CPR-sag</source>
        <translation>Out of scope – the citizen&apos;s own CPR case</translation>
    </message>
    <message>
        <source>Ikke løst</source>
        <translation>Not solved</translation>
    </message>
    <message>
        <source>Kunne ikke logge ind. Prøv igen.</source>
        <translation>Could not sign in. Try again.</translation>
    </message>
    <message>
        <source>Kunne ikke forbinde til koden. Prøv igen.</source>
        <translation>Could not connect to the code. Try again.</translation>
    </message>
    <message>
        <source>Skriv den {need}-cifrede kode, som borgeren læser op.</source>
        <translation>Type the {need}-digit code the citizen reads out.</translation>
    </message>
    <message>
        <source>Koden må kun indeholde cifre (fandt {found}).</source>
        <translation>The code may only contain digits (found {found}).</translation>
    </message>
    <message>
        <source>Koden har {need} cifre. Du har skrevet {count} – der mangler {missing}.</source>
        <translation>The code has {need} digits. You have typed {count} – {missing} missing.</translation>
    </message>
    <message>
        <source>Koden har {need} cifre. Du har skrevet {count} – {extra} for mange.</source>
        <translation>The code has {need} digits. You have typed {count} – {extra} too many.</translation>
    </message>
    <message>
        <source>Se</source>
        <translation>View</translation>
    </message>
    <message>
        <source>Se borgerens skærm (intet sendes)</source>
        <translation>See the citizen&apos;s screen (nothing is sent)</translation>
    </message>
    <message>
        <source>Peg</source>
        <translation>Point</translation>
    </message>
    <message>
        <source>Klik for at vise en ring på borgerens skærm</source>
        <translation>Click to show a ring on the citizen&apos;s screen</translation>
    </message>
    <message>
        <source>Styr</source>
        <translation>Control</translation>
    </message>
    <message>
        <source>Bed borgeren om lov til at styre mus og tastatur</source>
        <translation>Ask the citizen for permission to control mouse and keyboard</translation>
    </message>
    <message>
        <source>Giv kontrol tilbage (Esc)</source>
        <translation>Give control back (Esc)</translation>
    </message>
    <message>
        <source>Send Esc</source>
        <translation>Send Esc</translation>
    </message>
    <message>
        <source>Tryk Esc på borgerens pc (Esc her giver kontrollen tilbage)</source>
        <translation>Press Esc on the citizen&apos;s PC (Esc here gives control back)</translation>
    </message>
    <message>
        <source>Tilpas til vindue</source>
        <translation>Fit to window</translation>
    </message>
    <message>
        <source>Skaleret til vinduet; slå fra for 1:1 med rullepaneler</source>
        <translation>Scaled to the window; turn off for 1:1 with scroll bars</translation>
    </message>
    <message>
        <source> Skærm: </source>
        <translation> Screen: </translation>
    </message>
    <message>
        <source>Afslut session</source>
        <translation>End session</translation>
    </message>
    <message>
        <source>Afslut sessionen og gem loggen (Ctrl+E)</source>
        <translation>End the session and save the log (Ctrl+E)</translation>
    </message>
    <message>
        <source>Statistik</source>
        <translation>Statistics</translation>
    </message>
    <message>
        <source>Hotlinens statistik – kun supervisorer (Ctrl+Shift+S)</source>
        <translation>The hotline&apos;s statistics – supervisors only (Ctrl+Shift+S)</translation>
    </message>
    <message>
        <source>Venter på lov …</source>
        <translation>Waiting for permission …</translation>
    </message>
    <message>
        <source>Kontroltal: &lt;b&gt;{digits}&lt;/b&gt;</source>
        <translation>Check number: &lt;b&gt;{digits}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Afslut sessionen med borgeren nu?</source>
        <translation>End the session with the citizen now?</translation>
    </message>
    <message>
        <source>Borgeren har sat skærmdelingen på pause.
Du ser intet, før borgeren fortsætter.</source>
        <translation>The citizen has paused screen sharing.
You see nothing until the citizen continues.</translation>
    </message>
    <message>
        <source>Borgerens forbindelse er afbrudt – venter på, at borgeren kommer tilbage …</source>
        <translation>The citizen&apos;s connection is lost – waiting for the citizen to come back …</translation>
    </message>
    <message>
        <source>Sessionen er slut.
Vælg udfald, og tryk »Afslut session«.</source>
        <translation>The session is over.
Choose an outcome and press “End session”.</translation>
    </message>
    <message>
        <source>Digital hjælp – agent</source>
        <translation>Digital help – agent</translation>
    </message>
    <message>
        <source>&amp;Tjekliste</source>
        <translation>&amp;Checklist</translation>
    </message>
    <message>
        <source>&amp;Log</source>
        <translation>&amp;Log</translation>
    </message>
    <message>
        <source>Trin {number} vises nu hos borgeren.</source>
        <translation>Step {number} is now shown to the citizen.</translation>
    </message>
    <message>
        <source>Borgeren bliver spurgt, om linket må åbnes …</source>
        <translation>The citizen is asked whether the link may be opened …</translation>
    </message>
    <message>
        <source>&amp;Afslut sessionen</source>
        <translation>&amp;End the session</translation>
    </message>
    <message>
        <source>&amp;Fortsæt</source>
        <translation>&amp;Continue</translation>
    </message>
    <message>
        <source>Sessionen er gemt. Klar til næste borger.</source>
        <translation>The session is saved. Ready for the next citizen.</translation>
    </message>
    <message>
        <source>Dette trin har ingen tekst til borgeren og kan ikke vises hos borgeren.</source>
        <translation>This step has no text for the citizen and cannot be shown to the citizen.</translation>
    </message>
    <message>
        <source>Søg tjekliste (titel eller emne) …</source>
        <translation>Search checklists (title or topic) …</translation>
    </message>
    <message>
        <source>&amp;Vis trin for borgeren</source>
        <translation>&amp;Show step to the citizen</translation>
    </message>
    <message>
        <source>Åbn &amp;link hos borgeren</source>
        <translation>Open &amp;link for the citizen</translation>
    </message>
    <message>
        <source>{count} tjekliste(r) kunne ikke indlæses.</source>
        <translation>{count} checklist(s) could not be loaded.</translation>
    </message>
    <message>
        <source>&lt;b&gt;{title}&lt;/b&gt; ({steps} trin)</source>
        <translation>&lt;b&gt;{title}&lt;/b&gt; ({steps} steps)</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;Til dig:&lt;/b&gt; {notes}&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;For you:&lt;/b&gt; {notes}&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;Borgeren ser:&lt;/b&gt; &lt;i&gt;{text}&lt;/i&gt;&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;The citizen sees:&lt;/b&gt; &lt;i&gt;{text}&lt;/i&gt;&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;Link:&lt;/b&gt; {link}&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;Link:&lt;/b&gt; {link}&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Læs tallet op for borgeren:</source>
        <translation>Read the number out to the citizen:</translation>
    </message>
    <message>
        <source>Borgeren ser det samme tal i sit vindue og trykker »Tillad styring«, når tallene passer. Passer de ikke, skal borgeren trykke »Nej«.</source>
        <translation>The citizen sees the same number in their window and presses “Allow control” when the numbers match. If they do not match, the citizen must press “No”.</translation>
    </message>
    <message>
        <source>Kontroltal {digits}</source>
        <translation>Check number {digits}</translation>
    </message>
    <message>
        <source>Et skærmbillede kunne ikke vises.</source>
        <translation>A screen image could not be shown.</translation>
    </message>
    <message>
        <source>&amp;Ret teksten</source>
        <translation>&amp;Edit the text</translation>
    </message>
    <message>
        <source>Gem &amp;maskeret</source>
        <translation>Save &amp;masked</translation>
    </message>
    <message>
        <source>{what} indeholder personoplysninger ({found}). De må ikke stå i loggen. Ret teksten, eller gem den sådan: »{masked}«</source>
        <translation>{what} contains personal data ({found}). It must not be in the log. Edit the text, or save it like this: “{masked}”</translation>
    </message>
    <message>
        <source>Venter på borgerens skærm …</source>
        <translation>Waiting for the citizen&apos;s screen …</translation>
    </message>
    <message>
        <source>Borgerens skærm</source>
        <translation>The citizen&apos;s screen</translation>
    </message>
    <message>
        <source>Dit klik eller tastetryk ramte borgerens eget cobrowse-vindue (det skraverede felt i dit billede) – det kan du ikke styre. Klik i borgerens side først.</source>
        <translation>Your click or key press hit the citizen&apos;s own cobrowse window (the hatched area in your picture) – you cannot control it. Click in the citizen&apos;s page first.</translation>
    </message>
    <message>
        <source>Borgeren bruger selv mus eller tastatur – dine input venter et øjeblik.</source>
        <translation>The citizen is using the mouse or keyboard – your input waits a moment.</translation>
    </message>
    <message>
        <source>Forbindelsen til relæet blev afbrudt. Log ind igen.</source>
        <translation>The connection to the relay was lost. Sign in again.</translation>
    </message>
    <message>
        <source>Borgeren sagde nej til, at du styrer.</source>
        <translation>The citizen said no to you taking control.</translation>
    </message>
    <message>
        <source>Borgeren har taget kontrollen tilbage.</source>
        <translation>The citizen has taken back control.</translation>
    </message>
    <message>
        <source>Borgeren er tilbage.</source>
        <translation>The citizen is back.</translation>
    </message>
    <message>
        <source>Borgeren åbnede linket.</source>
        <translation>The citizen opened the link.</translation>
    </message>
    <message>
        <source>Linket blev ikke åbnet hos borgeren.</source>
        <translation>The link was not opened for the citizen.</translation>
    </message>
</context>
</TS>
