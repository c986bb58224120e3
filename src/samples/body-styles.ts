// Other voices for invented bodies, so a benchmark's bodies do not all come from one
// text: "cable" is the telegraphic English of Western cables (upper case, no articles,
// `REURTEL 513`, `PARA 2`), "prose" the plain official English of FRUS and DFAT
// documents. The Soviet-report sentences stay in sentences.ts.

export type BodyStyle = 'report' | 'cable' | 'prose';

export const CABLE_TEMPLATES: readonly string[] = [
  'REURTEL {n}. {foreign} INFORMED ME TODAY GOVERNMENT WILL NOT REPEAT NOT ACCEPT PROPOSAL IN PRESENT FORM.',
  'FOREIGN MINISTER SAW ME AT HIS REQUEST {weekday} AFTERNOON.',
  'TALKS IN {city} EXPECTED RESUME {day} {month} BUT NO FIRM DATE YET.',
  'GOVERNMENT OF {country} HAS ASKED FOR EARLY REPLY ON SUPPLY OF {commodity}.',
  'DELEGATION ARRIVED {city} {weekday} AND WAS MET BY {org}.',
  'PRESS HERE CONTINUES CRITICAL OF AGREEMENT.',
  'PLEASE INSTRUCT URGENTLY WHETHER I SHOULD ATTEND MEETING CALLED FOR {weekday}.',
  'UNDERSTAND {foreign} WILL LEAVE FOR {city} TOMORROW.',
  'WILL REPORT FURTHER AS SOON AS TEXT OF NOTE RECEIVED.',
  'EMBASSY BELIEVES {country} WILL ABSTAIN IN VOTE.',
  'MINISTRY OFFICIALS SEE NO IMMEDIATE WAY OF REMOVING DEADLOCK.',
  'SHIPMENT OF {big} TONS {commodity} DELAYED UNTIL {day} {month}.',
  'REGRET UNABLE OBTAIN COPY OF DRAFT BEFORE MEETING.',
  'SUGGEST YOU CONSULT {org} BEFORE REPLYING.',
  '{foreign} SAID PRIVATELY HIS GOVERNMENT WOULD ACCEPT COMPROMISE ON FRONTIER QUESTION.',
  'CONFERENCE ADJOURNED {weekday} WITHOUT AGREEMENT ON AGENDA.',
  'NEW CABINET SWORN IN THIS MORNING. NO CHANGE AT FOREIGN MINISTRY.',
  'SITUATION IN CAPITAL QUIET BUT CURFEW REMAINS IN FORCE.',
  'ESTIMATE {percent} PER CENT OF ELECTORATE VOTED.',
  'REPEATED TO {city} AS MY {n}.',
  'PARA {n} OF YOUR MESSAGE NOTED AND ACTION TAKEN.',
  'AMBASSADOR OF {country} CALLED ON ME {weekday} TO EXPRESS CONCERN AT DELAY.',
];

export const PROSE_TEMPLATES: readonly string[] = [
  'The Foreign Minister asked me to call this morning and handed me an aide-memoire on the question of {commodity}.',
  'I told him that I had no instructions but would report his views to you at once.',
  'It is my impression that the Government of {country} is not anxious to press the matter at this time.',
  '{foreign} remarked that public opinion would not accept any further concession.',
  'Your telegram {n} was received on {weekday} and its substance conveyed to the Prime Minister.',
  'The Embassy does not believe that the reports from {city} are reliable.',
  'In the course of a long conversation he returned several times to the question of the frontier.',
  'I should be grateful for your guidance before the next meeting of the Commission.',
  'The debate in the Assembly was shorter than expected and the resolution was adopted by {n} votes to {n}.',
  'Officials here consider that the proposal of {country} deserves careful study.',
  'There is no evidence that the other side intends to break off the negotiations.',
  'The text of the statement is being sent by bag.',
  'I have the honour to report that the mission arrived at {city} on the {day} of {month}.',
  'He added that the Cabinet would consider the matter on {weekday}.',
  'My colleagues share the view that an early reply would be desirable.',
  'The local press has given the visit of {foreign} wide coverage.',
  'It would be helpful to know whether {org} has been consulted.',
  'The harvest of {commodity} is expected to be about {percent} per cent below last year.',
  'Please let me know whether you wish me to raise the matter with the Minister.',
  'I understand that {foreign} will be in {city} until the end of {month}.',
];
