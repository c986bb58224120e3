// Word pools for invented telegrams. Names of people are invented on purpose:
// the samples must not be mistaken for real messages between real people.
// Places are real cities (a telegram's place of origin is part of what the reader must find).

export const ORIGIN_PLACES = [
  'Peking', 'Pyongyang', 'Hanoi', 'Warsaw', 'Berlin', 'Prague', 'Budapest', 'Sofia', 'Bucharest',
  'Belgrade', 'Tirana', 'Ulan Bator', 'Havana', 'Cairo', 'Delhi', 'Djakarta', 'Helsinki', 'Vienna',
  'Geneva', 'Rangoon', 'Kabul', 'Tehran', 'Ankara', 'Stockholm', 'Paris', 'London', 'Rome', 'Tokyo',
  'Shanghai', 'Port Arthur', 'Dairen', 'Mukden', 'Harbin', 'Vladivostok', 'Tashkent', 'Baghdad',
  'Damascus', 'Conakry', 'Accra', 'Algiers', 'Colombo', 'Karachi', 'Bern', 'Oslo', 'Copenhagen',
] as const;

export const COUNTRIES = [
  'Korea', 'China', 'Vietnam', 'Poland', 'Czechoslovakia', 'Hungary', 'Bulgaria', 'Romania',
  'Yugoslavia', 'Albania', 'Mongolia', 'Cuba', 'Egypt', 'India', 'Indonesia', 'Finland', 'Austria',
  'Burma', 'Afghanistan', 'Iran', 'Turkey', 'Sweden', 'France', 'Britain', 'Italy', 'Japan',
  'Iraq', 'Syria', 'Guinea', 'Ghana', 'Ceylon', 'Pakistan', 'Norway', 'Denmark',
] as const;

/** Invented surnames used for recipients, signers and people mentioned in bodies. */
export const SURNAMES = [
  'Voronin', 'Belsky', 'Kozhin', 'Ryabtsev', 'Zimin', 'Lavrov', 'Chernov', 'Sukhanov', 'Yermilov',
  'Tarasenko', 'Kuzmichev', 'Gorshkov', 'Fedotov', 'Shchukin', 'Nesterov', 'Panteleev', 'Orekhov',
  'Sedykh', 'Lobanov', 'Krylenko', 'Demidov', 'Ustinovich', 'Zharov', 'Polyansky', 'Vasnetsov',
  'Mirsky', 'Golubev', 'Strelkov', 'Anikin', 'Bulavin', 'Rudakov', 'Trofimenko', 'Khvostov',
  'Lapin', 'Matveev', 'Sitnikov', 'Dorokhov', 'Pronin', 'Yakushev', 'Grebnev',
] as const;

/** Cover names written before the bracketed real name, like the seed's "Fillipov [Stalin]". */
export const COVER_NAMES = [
  'Fedorov', 'Ivanov', 'Semenov', 'Andreev', 'Pavlov', 'Nikolaev', 'Grigoriev', 'Borisov',
  'Sergeev', 'Petrov', 'Makarov', 'Denisov',
] as const;

export const INITIALS = ['A.', 'B.', 'V.', 'G.', 'D.', 'E.', 'I.', 'K.', 'L.', 'M.', 'N.', 'P.', 'S.', 'T.', 'F.', 'Yu.'] as const;

/** Foreign names for people mentioned in bodies (invented). */
export const FOREIGN_NAMES = [
  'Li Qiming', 'Pak Sun Chol', 'Nguyen Van Tho', 'Kowalczyk', 'Hartmann', 'Novotny', 'Szabo',
  'Dimitrov-Rusev', 'Ionescu', 'Petrovic', 'Hoxhaj', 'Batbayar', 'Ortega Ruiz', 'Hassan Farid',
  'Raghunathan', 'Suwarno', 'Lindqvist', 'Moreau', 'Whitcombe', 'Bellandi', 'Takeda', 'Kemal Aydin',
] as const;

export const ORGANISATIONS = [
  'the Central Committee', 'the Council of Ministers', 'the Ministry of Foreign Affairs',
  'the General Staff', 'the trade delegation', 'the military mission', 'the embassy',
  'the Politburo', 'the State Planning Committee', 'the Ministry of Foreign Trade',
  'the consulate', 'the joint commission', 'the armistice delegation', 'the party committee',
] as const;

export const COMMODITIES = [
  'wheat', 'rolled steel', 'cotton', 'coal', 'rubber', 'tin', 'machine tools', 'trucks', 'rice',
  'cement', 'locomotives', 'fuel oil', 'copper wire', 'fertiliser', 'medicines', 'tractors',
] as const;

export const MILITARY_UNITS = [
  'the rifle division', 'the air regiment', 'the tank brigade', 'the engineer battalion',
  'the signal company', 'the anti-aircraft regiment', 'the coastal battery', 'the transport column',
  'the naval squadron', 'the frontier detachment',
] as const;

export const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
  'November', 'December',
] as const;

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/** Invented English surnames for US and Australian officials. */
export const ENGLISH_SURNAMES = [
  'Whitlock', 'Harrington', 'Dunmore', 'Callister', 'Pemberton', 'Ashcroft', 'Bramwell', 'Tillman',
  'Kershaw', 'Lydgate', 'Marchbanks', 'Fenwick', 'Carrodus', 'Hollins', 'Tregear', 'Dalziel',
  'Burnell', 'Keough', 'Ransome', 'Lockyer', 'Prideaux', 'Sandercock', 'Wyndham', 'Oakeshott',
] as const;

/** Posts for US and Australian cables: country as used in "the Embassy in ..." and its capital. */
export const POSTS: readonly { country: string; city: string }[] = [
  { country: 'the United Kingdom', city: 'London' }, { country: 'France', city: 'Paris' },
  { country: 'India', city: 'New Delhi' }, { country: 'Korea', city: 'Pusan' }, { country: 'Japan', city: 'Tokyo' },
  { country: 'the Soviet Union', city: 'Moscow' }, { country: 'Italy', city: 'Rome' }, { country: 'Egypt', city: 'Cairo' },
  { country: 'Indonesia', city: 'Djakarta' }, { country: 'Burma', city: 'Rangoon' }, { country: 'Pakistan', city: 'Karachi' },
  { country: 'Thailand', city: 'Bangkok' }, { country: 'the Philippines', city: 'Manila' }, { country: 'Canada', city: 'Ottawa' },
  { country: 'Turkey', city: 'Ankara' }, { country: 'Iran', city: 'Tehran' }, { country: 'Ceylon', city: 'Colombo' },
];

export const CLASSIFICATIONS = ['TOP SECRET', 'SECRET', 'CONFIDENTIAL', 'RESTRICTED'] as const;
export const PRECEDENCES = ['URGENT', 'IMMEDIATE', 'PRIORITY'] as const;
