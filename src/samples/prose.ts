// Sentences for the documents that are not telegrams, in their own voices: the
// Foreign Service despatch of the 1930s-40s ("I have the honor to report..."), the
// letter of a relief committee, and the narrative report. Slots are those of
// bodies.ts (city, country, foreign, org, month, day, n, big, percent, commodity...).
// People and organisations are invented; cities and countries are real.

import type { Rng } from './random.ts';
import { fillTemplate } from './bodies.ts';

export const DESPATCH_TEMPLATES: readonly string[] = [
  'I have the honor to report that the Government has published a decree concerning the residence of foreigners in {city}.',
  'The measures described in my despatch No. {n} of {month} {day} have since been applied with increasing severity.',
  'In a conversation at the Ministry of Foreign Affairs on {weekday}, {foreign} stated that no change of policy was contemplated.',
  'It is reported that some {big} persons have applied for passports at the prefecture of police during the past month.',
  'The local press has given wide publicity to the statement, which was reproduced in full by the official newspaper.',
  'The Legation has been informed from a reliable source that the question was discussed at the last meeting of the Council of Ministers.',
  'There is no indication that the authorities intend to relax the restrictions now in force.',
  'The representatives of {org} called at the Legation on {weekday} to ask whether any assistance could be expected.',
  'I was careful to point out that the Legation could not intervene in a matter of internal administration.',
  'According to figures published by the Ministry of Labor, {percent} per cent of the licenses in question have been withdrawn.',
  'The decree provides that all persons affected must register with the police within {n} days of its publication.',
  'It seems probable that further measures of the same character will be announced before the end of {month}.',
  'The Minister of the Interior is reported to have said that the law would be applied without exception.',
  'Several of my colleagues have expressed to me their concern at the trend of events.',
  'The British Minister informed me that he had received no instructions on the subject.',
  'The number of applications for visas received by the Consulate during the quarter amounted to {big}.',
  'A copy of the text of the decree, with a translation, is enclosed herewith.',
  'The situation in the provinces, particularly in the neighborhood of {city}, is said to be worse than in the capital.',
  'The Government appears to be anxious to avoid any incident which might attract attention abroad.',
  'I shall not fail to keep the Department informed of further developments.',
  'The attitude of the public has on the whole remained calm, although there have been isolated incidents.',
  'The economic effects of these measures are already apparent in the trade in {commodity}.',
  'It is understood that the matter will be taken up again when {foreign} returns from {city}.',
  'The Legation has no reason to doubt the accuracy of this information.',
  'In the opinion of well informed observers the present policy is dictated by considerations of internal politics.',
  'The Department will recall that a similar proposal was put forward by the Government of {country} last year.',
  'Officials of the Ministry with whom the matter was discussed were reluctant to commit themselves.',
  'The emigration of these persons is rendered difficult by the lack of countries willing to receive them.',
  'A number of firms have already dismissed their employees in anticipation of the new regulations.',
  'I venture to suggest that the Department may wish to bring this despatch to the attention of {org}.',
];

export const LETTER_TEMPLATES: readonly string[] = [
  'I am writing to you on behalf of the committee which has been formed in {city} to assist the families concerned.',
  'We have received your letter of the {day} of {month} and thank you for the information it contains.',
  'It would be of the greatest help if you could let us know whether a grant could be made before the end of {month}.',
  'The committee has so far been able to provide for some {big} persons, but its funds are now exhausted.',
  'I enclose a list of the cases which in our opinion require immediate attention.',
  'May I ask you to treat this matter as urgent, since the people concerned have been given only {n} days to leave.',
  'We should be grateful if you would forward the enclosed papers to {org}.',
  'Our representative in {city} has reported that the situation there is becoming more difficult every week.',
  'I have been in {city} for {n} days and have seen most of the people whose names were given to me.',
  'The cost of maintaining one family is about {n} pounds a month, including rent.',
  'We have of course to acknowledge with gratitude the help already received from your Council.',
  'I should like to submit proposals for the distribution of the money at a meeting with your Secretary.',
  'The committee meets every {weekday} and would be glad to receive a member of your staff.',
  'Many of these people have relatives in {country} who are willing to support them on arrival.',
  'I regret that I have not been able to reply to your letter earlier.',
  'The enclosed report gives the figures for the last quarter.',
  'We are informed that the consulate of {country} will issue visas only to persons with a guarantee.',
  'Please let me know if any further information is required.',
  'I am sure you will understand that we cannot take any decision without the agreement of {org}.',
  'It is hoped that the first group will be able to leave {city} in {month}.',
  'The local authorities have so far raised no objection to the work of the committee.',
  'With regard to the question raised in your letter, I have made enquiries and will write again shortly.',
];

export const REPORT_TEMPLATES: readonly string[] = [
  'In {month} the camp held about {big} persons, most of whom had arrived from {city} in the preceding weeks.',
  'The journey lasted {n} days, and the people were given neither water nor food on the way.',
  'On arrival the prisoners were registered and their luggage was taken from them.',
  'The barracks were overcrowded, and as many as {n} persons had to sleep in one room.',
  'Those who were able to work were sent every morning to the workshops outside the town.',
  'The food consisted of a thin soup and about {n} grammes of bread a day.',
  'In the winter the death rate rose to {percent} per cent a month among the old people.',
  'The self-administration tried to keep the families together, but this was seldom possible.',
  'A small hospital was set up in one of the barracks with the help of doctors from {city}.',
  'In the autumn transports left for the East every few days, each with about {big} persons.',
  'Nobody knew where the transports were going, and letters from those who had left never arrived.',
  'Some of the younger people were able to attend lessons given secretly in the evenings.',
  'The liberation came on the {day} of {month}, when the guards had already left the camp.',
  'After the liberation the sick were cared for by the International Red Cross.',
  'Of the {big} persons who had been deported with the writer, only {n} returned.',
  'The writer was transferred to a labour camp near {city}, where he remained until the spring.',
  'Every attempt to obtain news of relatives through {org} was without result.',
  'The report which follows was written down shortly after the return of the witness to {city}.',
];

/** Sentences from `templates` without repeating one inside a document (gives up after a few tries). */
export function proseParagraphs(
  rng: Rng,
  templates: readonly string[],
  sentenceCount: number,
  options: { numbered?: boolean; perParagraph?: [number, number] } = {},
): string[] {
  const used = new Set<number>();
  const sentence = (): string => {
    let index = rng.int(0, templates.length - 1);
    for (let tries = 0; used.has(index) && tries < 8; tries++) index = rng.int(0, templates.length - 1);
    used.add(index);
    return fillTemplate(templates[index], rng);
  };
  const [low, high] = options.perParagraph ?? [2, 4];
  const paragraphs: string[] = [];
  let remaining = Math.max(1, sentenceCount);
  let item = 1;
  while (remaining > 0) {
    const size = Math.min(remaining, rng.int(low, high));
    const parts: string[] = [];
    for (let i = 0; i < size; i++) parts.push(sentence());
    remaining -= size;
    paragraphs.push(options.numbered ? `${item++}. ${parts.join(' ')}` : parts.join(' '));
  }
  return paragraphs;
}
