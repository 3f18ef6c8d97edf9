<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="da">
<context>
    <name>citizen</name>
    <message>
        <source>Hjælp til din computer</source>
        <translation>Help with your computer</translation>
    </message>
    <message>
        <source>Forbinder …</source>
        <translation>Connecting …</translation>
    </message>
    <message>
        <source>Vent et øjeblik.</source>
        <translation>Please wait a moment.</translation>
    </message>
    <message>
        <source>Vi kan ikke få forbindelse lige nu.</source>
        <translation>We cannot connect right now.</translation>
    </message>
    <message>
        <source>Tjek at computeren er på internettet. Vi prøver igen om {seconds} sekunder.</source>
        <translation>Check that the computer is on the internet. We will try again in {seconds} seconds.</translation>
    </message>
    <message>
        <source>Prøver igen …</source>
        <translation>Trying again …</translation>
    </message>
    <message>
        <source>Læs dette nummer op for den, der hjælper dig:</source>
        <translation>Read this number to the person helping you:</translation>
    </message>
    <message>
        <source>Nummeret virker kun én gang.</source>
        <translation>The number works only once.</translation>
    </message>
    <message>
        <source>Nyt nummer</source>
        <translation>New number</translation>
    </message>
    <message>
        <source>Se vejledningen igen</source>
        <translation>See the guide again</translation>
    </message>
    <message>
        <source>Nummeret er udløbet. Her er et nyt.</source>
        <translation>The number expired. Here is a new one.</translation>
    </message>
    <message>
        <source>En medarbejder er klar til at hjælpe dig.</source>
        <translation>An agent will be with you shortly.</translation>
    </message>
    <message>
        <source>Din hjælper er ikke logget på endnu. Når din hjælper er klar, kan du læse nummeret op.</source>
        <translation>Your helper has not signed in yet. When your helper is ready, read them the number.</translation>
    </message>
    <message>
        <source>Hotlinens status</source>
        <translation>Hotline status</translation>
    </message>
    <message>
        <source>Hotlinen er lukket.</source>
        <translation>The hotline is closed.</translation>
    </message>
    <message>
        <source>Vi åbner igen {when}.</source>
        <translation>Next opening: {when}.</translation>
    </message>
    <message>
        <source>Lad vinduet være åbent. Det forbinder selv, når vi åbner.</source>
        <translation>Leave this window open. It connects by itself when we open.</translation>
    </message>
    <message>
        <source>{name} fra {municipality} er forbundet.</source>
        <translation>{name} from {municipality} is connected.</translation>
    </message>
    <message>
        <source>Forbinder sikkert til {name} …</source>
        <translation>Connecting securely to {name} …</translation>
    </message>
    <message>
        <source>Nummeret passede ikke. Her er et nyt nummer.</source>
        <translation>The number did not match. Here is a new number.</translation>
    </message>
    <message>
        <source>{name}, {municipality} vil gerne se din skærm.</source>
        <translation>{name}, {municipality} wants to see your screen.</translation>
    </message>
    <message>
        <source>Du kan stoppe når som helst.</source>
        <translation>You can stop at any time.</translation>
    </message>
    <message>
        <source>Tillad</source>
        <translation>Allow</translation>
    </message>
    <message>
        <source>Tillad ikke</source>
        <translation>Don&apos;t allow</translation>
    </message>
    <message>
        <source>Din skærm bliver ikke vist. Tak for nu.</source>
        <translation>Your screen is not shown. Thank you.</translation>
    </message>
    <message>
        <source>Vil du prøve igen, så læs det nye nummer op.</source>
        <translation>To try again, read the new number aloud.</translation>
    </message>
    <message>
        <source>Din skærm bliver delt med {name}</source>
        <translation>Your screen is being shared with {name}</translation>
    </message>
    <message>
        <source>Pause: {name} kan ikke se din skærm</source>
        <translation>Paused: {name} cannot see your screen</translation>
    </message>
    <message>
        <source>{name} styrer din mus og dit tastatur</source>
        <translation>{name} is controlling your mouse and keyboard</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>Fortsæt</source>
        <translation>Continue</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stop</translation>
    </message>
    <message>
        <source>Tag kontrollen tilbage</source>
        <translation>Take back control</translation>
    </message>
    <message>
        <source>{name} beder om at styre din mus og dit tastatur.</source>
        <translation>{name} asks to control your mouse and keyboard.</translation>
    </message>
    <message>
        <source>Tjek at {name} læser dette nummer op for dig:</source>
        <translation>Check that {name} reads you this number:</translation>
    </message>
    <message>
        <source>Tillad styring</source>
        <translation>Allow control</translation>
    </message>
    <message>
        <source>Nej</source>
        <translation>No</translation>
    </message>
    <message>
        <source>Tryk på Esc tre gange for at tage kontrollen tilbage.</source>
        <translation>Press Esc three times to take back control.</translation>
    </message>
    <message>
        <source>{name} vil trykke {keys}.</source>
        <translation>{name} wants to press {keys}.</translation>
    </message>
    <message>
        <source>Den tastekombination kan låse, lukke eller genstarte noget på din computer. Tillad den kun, hvis I har aftalt det.</source>
        <translation>That key combination can lock, close or restart something on your computer. Only allow it if you have agreed on it.</translation>
    </message>
    <message>
        <source>Trin {number} af {total}</source>
        <translation>Step {number} of {total}</translation>
    </message>
    <message>
        <source>Skjul trin ▾</source>
        <translation>Hide step ▾</translation>
    </message>
    <message>
        <source>Vis trin {number} ▴</source>
        <translation>Show step {number} ▴</translation>
    </message>
    <message>
        <source>{first} ser din skærm</source>
        <translation>{first} sees your screen</translation>
    </message>
    <message>
        <source>Pause – {first} ser intet</source>
        <translation>Paused – {first} can&apos;t see</translation>
    </message>
    <message>
        <source>{first} styrer</source>
        <translation>{first} is in control</translation>
    </message>
    <message>
        <source>Forbinder igen …</source>
        <translation>Reconnecting …</translation>
    </message>
    <message>
        <source>{name} vil gerne åbne denne side:</source>
        <translation>{name} wants to open this page:</translation>
    </message>
    <message>
        <source>Åbn</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>Forbindelsen blev afbrudt. Forbinder igen …</source>
        <translation>The connection was lost. Reconnecting …</translation>
    </message>
    <message>
        <source>Imens kan ingen se eller styre din computer.</source>
        <translation>Meanwhile nobody can see or control your computer.</translation>
    </message>
    <message>
        <source>Forbindelsen til hjælperen er afbrudt.</source>
        <translation>The connection to your helper was lost.</translation>
    </message>
    <message>
        <source>Vi venter på, at hjælperen kommer tilbage. Imens kan hjælperen hverken se eller styre din computer.

Vil du ikke vente, så tryk på »Nyt nummer«.</source>
        <translation>We are waiting for your helper to come back. Meanwhile your helper can neither see nor control your computer.

If you do not want to wait, press “New number”.</translation>
    </message>
    <message>
        <source>Venter på {first} …</source>
        <translation>Waiting for {first} …</translation>
    </message>
    <message>
        <source>Du har afsluttet sessionen.</source>
        <translation>You have ended the session.</translation>
    </message>
    <message>
        <source>Du kan lukke vinduet. Har du brug for hjælp igen, så tryk på »Nyt nummer«.</source>
        <translation>You can close this window. If you need help again, press “New number”.</translation>
    </message>
    <message>
        <source>Hjælperen har afsluttet forbindelsen.</source>
        <translation>Your helper has ended the connection.</translation>
    </message>
    <message>
        <source>Forbindelsen til hjælperen blev afbrudt.</source>
        <translation>The connection to your helper was lost.</translation>
    </message>
    <message>
        <source>Forbindelsen blev lukket af sikkerhedshensyn.</source>
        <translation>The connection was closed for security reasons.</translation>
    </message>
    <message>
        <source>Din skærm bliver ikke længere vist. Har du brug for mere hjælp, så tryk på »Nyt nummer«, og læs det nye nummer op.</source>
        <translation>Your screen is no longer shown. If you need more help, press “New number” and read the new number aloud.</translation>
    </message>
    <message>
        <source>Forbindelsen blev afbrudt. Her er et nyt nummer.</source>
        <translation>The connection was lost. Here is a new number.</translation>
    </message>
    <message>
        <source>Forbindelsen kunne ikke oprettes. Her er et nyt nummer.</source>
        <translation>The connection could not be made. Here is a new number.</translation>
    </message>
    <message>
        <source>Forbindelsen var ikke sikker og blev lukket. Her er et nyt nummer.</source>
        <translation>The connection was not secure and was closed. Here is a new number.</translation>
    </message>
    <message>
        <source>Luk</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Programmet er ikke sat rigtigt op.</source>
        <translation>The program is not set up correctly.</translation>
    </message>
    <message>
        <source>Ring til den, der hjælper dig, og sig: ”{problem}”.</source>
        <translation>Call the person helping you and say: “{problem}”.</translation>
    </message>
    <message>
        <source>English</source>
        <translation>Dansk</translation>
    </message>
    <message>
        <source>Deling</source>
        <translation>Sharing</translation>
    </message>
    <message>
        <source>Kontrolnummer</source>
        <translation>Check number</translation>
    </message>
    <message>
        <source>Dit nummer</source>
        <translation>Your number</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Forklaring</source>
        <translation>Explanation</translation>
    </message>
    <message>
        <source>Handling</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Anden handling</source>
        <translation>Other action</translation>
    </message>
    <message>
        <source>Besked</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>Vejledning</source>
        <translation>Instruction</translation>
    </message>
    <message>
        <source>Tip</source>
        <translation>Tip</translation>
    </message>
    <message>
        <source>Sprog</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>Om programmet</source>
        <translation>About the program</translation>
    </message>
    <message>
        <source>Vejledningen til opgaven</source>
        <translation>The guide to the task</translation>
    </message>
    <message>
        <source>Spørgsmål</source>
        <translation>Question</translation>
    </message>
    <message>
        <source>Ja</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>Skærmdeling</source>
        <translation>Screen sharing</translation>
    </message>
    <message>
        <source>Status for skærmdeling</source>
        <translation>Screen sharing status</translation>
    </message>
    <message>
        <source>Skjul eller vis trinnet</source>
        <translation>Hide or show the step</translation>
    </message>
    <message>
        <source>Trin</source>
        <translation>Step</translation>
    </message>
    <message>
        <source>Trinnets tekst</source>
        <translation>The step&apos;s text</translation>
    </message>
    <message>
        <source>Ramme: din computer bliver styret</source>
        <translation>Frame: your computer is being controlled</translation>
    </message>
    <message>
        <source>Hjælperen peger her</source>
        <translation>Your helper is pointing here</translation>
    </message>
    <message>
        <source>Om</source>
        <translation>About</translation>
    </message>
    <message>
        <source>Version {version}</source>
        <translation>Version {version}</translation>
    </message>
    <message>
        <source>Hotline: {hotline}</source>
        <translation>Hotline: {hotline}</translation>
    </message>
    <message>
        <source>Din skærm går krypteret direkte til den, der hjælper dig. Serveren, som forbinder jer, sender kun data videre og kan ikke se din skærm.</source>
        <translation>Your screen goes encrypted straight to the person helping you. The server that connects you only passes data on and cannot see your screen.</translation>
    </message>
</context>
</TS>
