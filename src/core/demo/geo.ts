// Real US geography for the demo workspace: states (weighted by population), a few real ZIP codes with their city per
// state, the state's real area codes, and a believable combined tax rate on wireless service (state + local
// communications taxes, in basis points). Compact on purpose: a few ZIPs per state are enough for a believable grid.

export interface StateInfo {
  code: string
  name: string
  /** population in hundred-thousands, used as the sampling weight */
  weight: number
  /** wireless tax rate in basis points (825 = 8.25%) */
  taxBp: number
  areaCodes: readonly number[]
  /** [zip, city] */
  zips: ReadonlyArray<readonly [string, string]>
}

export const STATES: readonly StateInfo[] = [
  { code: 'AL', name: 'Alabama', weight: 51, taxBp: 900, areaCodes: [205, 251, 256, 334, 938], zips: [['35203', 'Birmingham'], ['36104', 'Montgomery'], ['35801', 'Huntsville'], ['36602', 'Mobile']] },
  { code: 'AK', name: 'Alaska', weight: 7, taxBp: 300, areaCodes: [907], zips: [['99501', 'Anchorage'], ['99701', 'Fairbanks'], ['99801', 'Juneau']] },
  { code: 'AZ', name: 'Arizona', weight: 74, taxBp: 860, areaCodes: [480, 520, 602, 623, 928], zips: [['85004', 'Phoenix'], ['85701', 'Tucson'], ['85281', 'Tempe'], ['86001', 'Flagstaff']] },
  { code: 'AR', name: 'Arkansas', weight: 31, taxBp: 950, areaCodes: [479, 501, 870], zips: [['72201', 'Little Rock'], ['72701', 'Fayetteville'], ['72401', 'Jonesboro']] },
  { code: 'CA', name: 'California', weight: 390, taxBp: 880, areaCodes: [209, 213, 310, 323, 408, 415, 510, 530, 559, 562, 619, 626, 650, 661, 707, 714, 760, 805, 818, 831, 858, 909, 916, 925, 949, 951], zips: [['90012', 'Los Angeles'], ['94103', 'San Francisco'], ['92101', 'San Diego'], ['95814', 'Sacramento'], ['95113', 'San Jose'], ['93721', 'Fresno']] },
  { code: 'CO', name: 'Colorado', weight: 59, taxBp: 780, areaCodes: [303, 719, 720, 970], zips: [['80202', 'Denver'], ['80903', 'Colorado Springs'], ['80302', 'Boulder'], ['80521', 'Fort Collins']] },
  { code: 'CT', name: 'Connecticut', weight: 36, taxBp: 635, areaCodes: [203, 475, 860, 959], zips: [['06103', 'Hartford'], ['06510', 'New Haven'], ['06901', 'Stamford']] },
  { code: 'DE', name: 'Delaware', weight: 10, taxBp: 425, areaCodes: [302], zips: [['19801', 'Wilmington'], ['19901', 'Dover'], ['19711', 'Newark']] },
  { code: 'DC', name: 'District of Columbia', weight: 7, taxBp: 1000, areaCodes: [202], zips: [['20001', 'Washington'], ['20009', 'Washington'], ['20036', 'Washington']] },
  { code: 'FL', name: 'Florida', weight: 226, taxBp: 744, areaCodes: [239, 305, 321, 352, 386, 407, 561, 727, 754, 772, 786, 813, 850, 863, 904, 941, 954], zips: [['33130', 'Miami'], ['32801', 'Orlando'], ['33602', 'Tampa'], ['32202', 'Jacksonville'], ['32301', 'Tallahassee']] },
  { code: 'GA', name: 'Georgia', weight: 110, taxBp: 800, areaCodes: [229, 404, 470, 478, 678, 706, 762, 770, 912], zips: [['30303', 'Atlanta'], ['31401', 'Savannah'], ['30901', 'Augusta'], ['31201', 'Macon']] },
  { code: 'HI', name: 'Hawaii', weight: 14, taxBp: 471, areaCodes: [808], zips: [['96813', 'Honolulu'], ['96720', 'Hilo'], ['96761', 'Lahaina']] },
  { code: 'ID', name: 'Idaho', weight: 20, taxBp: 600, areaCodes: [208, 986], zips: [['83702', 'Boise'], ['83201', 'Pocatello'], ['83814', "Coeur d'Alene"]] },
  { code: 'IL', name: 'Illinois', weight: 125, taxBp: 1025, areaCodes: [217, 224, 309, 312, 331, 618, 630, 708, 773, 779, 815, 847, 872], zips: [['60601', 'Chicago'], ['62701', 'Springfield'], ['61602', 'Peoria'], ['60540', 'Naperville']] },
  { code: 'IN', name: 'Indiana', weight: 68, taxBp: 700, areaCodes: [219, 260, 317, 574, 765, 812, 930], zips: [['46204', 'Indianapolis'], ['46802', 'Fort Wayne'], ['47401', 'Bloomington'], ['46601', 'South Bend']] },
  { code: 'IA', name: 'Iowa', weight: 32, taxBp: 700, areaCodes: [319, 515, 563, 641, 712], zips: [['50309', 'Des Moines'], ['52401', 'Cedar Rapids'], ['52240', 'Iowa City']] },
  { code: 'KS', name: 'Kansas', weight: 29, taxBp: 870, areaCodes: [316, 620, 785, 913], zips: [['67202', 'Wichita'], ['66603', 'Topeka'], ['66044', 'Lawrence']] },
  { code: 'KY', name: 'Kentucky', weight: 45, taxBp: 900, areaCodes: [270, 364, 502, 606, 859], zips: [['40202', 'Louisville'], ['40507', 'Lexington'], ['40601', 'Frankfort']] },
  { code: 'LA', name: 'Louisiana', weight: 46, taxBp: 950, areaCodes: [225, 318, 337, 504, 985], zips: [['70112', 'New Orleans'], ['70801', 'Baton Rouge'], ['70501', 'Lafayette'], ['71101', 'Shreveport']] },
  { code: 'ME', name: 'Maine', weight: 14, taxBp: 550, areaCodes: [207], zips: [['04101', 'Portland'], ['04401', 'Bangor'], ['04330', 'Augusta']] },
  { code: 'MD', name: 'Maryland', weight: 62, taxBp: 600, areaCodes: [240, 301, 410, 443, 667], zips: [['21202', 'Baltimore'], ['21401', 'Annapolis'], ['20850', 'Rockville']] },
  { code: 'MA', name: 'Massachusetts', weight: 70, taxBp: 625, areaCodes: [339, 351, 413, 508, 617, 774, 781, 857, 978], zips: [['02108', 'Boston'], ['01608', 'Worcester'], ['01103', 'Springfield'], ['02139', 'Cambridge']] },
  { code: 'MI', name: 'Michigan', weight: 100, taxBp: 600, areaCodes: [231, 248, 269, 313, 517, 586, 616, 734, 810, 906, 947, 989], zips: [['48226', 'Detroit'], ['49503', 'Grand Rapids'], ['48933', 'Lansing'], ['48104', 'Ann Arbor']] },
  { code: 'MN', name: 'Minnesota', weight: 57, taxBp: 790, areaCodes: [218, 320, 507, 612, 651, 763, 952], zips: [['55401', 'Minneapolis'], ['55101', 'Saint Paul'], ['55802', 'Duluth'], ['55901', 'Rochester']] },
  { code: 'MS', name: 'Mississippi', weight: 29, taxBp: 700, areaCodes: [228, 601, 662, 769], zips: [['39201', 'Jackson'], ['39530', 'Biloxi'], ['38801', 'Tupelo']] },
  { code: 'MO', name: 'Missouri', weight: 62, taxBp: 830, areaCodes: [314, 417, 573, 636, 660, 816], zips: [['63101', 'St. Louis'], ['64106', 'Kansas City'], ['65806', 'Springfield'], ['65101', 'Jefferson City']] },
  { code: 'MT', name: 'Montana', weight: 11, taxBp: 375, areaCodes: [406], zips: [['59101', 'Billings'], ['59801', 'Missoula'], ['59601', 'Helena']] },
  { code: 'NE', name: 'Nebraska', weight: 20, taxBp: 700, areaCodes: [308, 402, 531], zips: [['68102', 'Omaha'], ['68508', 'Lincoln'], ['68801', 'Grand Island']] },
  { code: 'NV', name: 'Nevada', weight: 32, taxBp: 838, areaCodes: [702, 725, 775], zips: [['89101', 'Las Vegas'], ['89501', 'Reno'], ['89701', 'Carson City']] },
  { code: 'NH', name: 'New Hampshire', weight: 14, taxBp: 700, areaCodes: [603], zips: [['03101', 'Manchester'], ['03301', 'Concord'], ['03060', 'Nashua']] },
  { code: 'NJ', name: 'New Jersey', weight: 93, taxBp: 663, areaCodes: [201, 551, 609, 640, 732, 848, 856, 862, 908, 973], zips: [['07102', 'Newark'], ['07302', 'Jersey City'], ['08608', 'Trenton'], ['08401', 'Atlantic City']] },
  { code: 'NM', name: 'New Mexico', weight: 21, taxBp: 760, areaCodes: [505, 575], zips: [['87102', 'Albuquerque'], ['87501', 'Santa Fe'], ['88001', 'Las Cruces']] },
  { code: 'NY', name: 'New York', weight: 196, taxBp: 888, areaCodes: [212, 315, 347, 516, 518, 585, 607, 631, 646, 716, 718, 845, 914, 917, 929], zips: [['10001', 'New York'], ['11201', 'Brooklyn'], ['14202', 'Buffalo'], ['14604', 'Rochester'], ['12207', 'Albany']] },
  { code: 'NC', name: 'North Carolina', weight: 108, taxBp: 700, areaCodes: [252, 336, 704, 743, 828, 910, 919, 980, 984], zips: [['28202', 'Charlotte'], ['27601', 'Raleigh'], ['27401', 'Greensboro'], ['27701', 'Durham']] },
  { code: 'ND', name: 'North Dakota', weight: 8, taxBp: 700, areaCodes: [701], zips: [['58102', 'Fargo'], ['58501', 'Bismarck'], ['58201', 'Grand Forks']] },
  { code: 'OH', name: 'Ohio', weight: 118, taxBp: 725, areaCodes: [216, 220, 234, 330, 380, 419, 440, 513, 567, 614, 740, 937], zips: [['43215', 'Columbus'], ['44114', 'Cleveland'], ['45202', 'Cincinnati'], ['43604', 'Toledo']] },
  { code: 'OK', name: 'Oklahoma', weight: 40, taxBp: 900, areaCodes: [405, 539, 580, 918], zips: [['73102', 'Oklahoma City'], ['74103', 'Tulsa'], ['73069', 'Norman']] },
  { code: 'OR', name: 'Oregon', weight: 42, taxBp: 200, areaCodes: [458, 503, 541, 971], zips: [['97204', 'Portland'], ['97401', 'Eugene'], ['97301', 'Salem']] },
  { code: 'PA', name: 'Pennsylvania', weight: 130, taxBp: 600, areaCodes: [215, 267, 272, 412, 484, 570, 610, 717, 724, 814, 878], zips: [['19103', 'Philadelphia'], ['15222', 'Pittsburgh'], ['17101', 'Harrisburg'], ['18101', 'Allentown']] },
  { code: 'RI', name: 'Rhode Island', weight: 11, taxBp: 700, areaCodes: [401], zips: [['02903', 'Providence'], ['02840', 'Newport'], ['02886', 'Warwick']] },
  { code: 'SC', name: 'South Carolina', weight: 53, taxBp: 800, areaCodes: [803, 843, 854, 864], zips: [['29201', 'Columbia'], ['29401', 'Charleston'], ['29601', 'Greenville']] },
  { code: 'SD', name: 'South Dakota', weight: 9, taxBp: 650, areaCodes: [605], zips: [['57104', 'Sioux Falls'], ['57701', 'Rapid City'], ['57501', 'Pierre']] },
  { code: 'TN', name: 'Tennessee', weight: 71, taxBp: 955, areaCodes: [423, 615, 629, 731, 865, 901, 931], zips: [['37203', 'Nashville'], ['38103', 'Memphis'], ['37902', 'Knoxville'], ['37402', 'Chattanooga']] },
  { code: 'TX', name: 'Texas', weight: 305, taxBp: 825, areaCodes: [210, 214, 254, 281, 325, 346, 361, 409, 430, 432, 469, 512, 682, 713, 737, 806, 817, 830, 832, 903, 915, 936, 940, 956, 972, 979], zips: [['78701', 'Austin'], ['77002', 'Houston'], ['75201', 'Dallas'], ['78205', 'San Antonio'], ['76102', 'Fort Worth'], ['79901', 'El Paso']] },
  { code: 'UT', name: 'Utah', weight: 34, taxBp: 720, areaCodes: [385, 435, 801], zips: [['84101', 'Salt Lake City'], ['84601', 'Provo'], ['84401', 'Ogden']] },
  { code: 'VT', name: 'Vermont', weight: 6, taxBp: 600, areaCodes: [802], zips: [['05401', 'Burlington'], ['05602', 'Montpelier'], ['05701', 'Rutland']] },
  { code: 'VA', name: 'Virginia', weight: 87, taxBp: 500, areaCodes: [276, 434, 540, 571, 703, 757, 804], zips: [['23219', 'Richmond'], ['23510', 'Norfolk'], ['22314', 'Alexandria'], ['24011', 'Roanoke']] },
  { code: 'WA', name: 'Washington', weight: 78, taxBp: 1010, areaCodes: [206, 253, 360, 425, 509, 564], zips: [['98101', 'Seattle'], ['99201', 'Spokane'], ['98402', 'Tacoma'], ['98501', 'Olympia']] },
  { code: 'WV', name: 'West Virginia', weight: 18, taxBp: 600, areaCodes: [304, 681], zips: [['25301', 'Charleston'], ['26501', 'Morgantown'], ['25701', 'Huntington']] },
  { code: 'WI', name: 'Wisconsin', weight: 59, taxBp: 550, areaCodes: [262, 414, 608, 715, 920], zips: [['53202', 'Milwaukee'], ['53703', 'Madison'], ['54301', 'Green Bay']] },
  { code: 'WY', name: 'Wyoming', weight: 6, taxBp: 540, areaCodes: [307], zips: [['82001', 'Cheyenne'], ['82601', 'Casper'], ['82070', 'Laramie']] },
]

export const STATE_BY_CODE: ReadonlyMap<string, StateInfo> = new Map(STATES.map((s) => [s.code, s]))

/** The state an area code belongs to (each area code above belongs to exactly one state). */
export const STATE_OF_AREA_CODE: ReadonlyMap<number, string> = new Map(STATES.flatMap((s) => s.areaCodes.map((a) => [a, s.code] as const)))

/** The state a ZIP from the table belongs to. */
export const STATE_OF_ZIP: ReadonlyMap<string, string> = new Map(STATES.flatMap((s) => s.zips.map(([z]) => [z, s.code] as const)))
