// Word lists for believable demo people, businesses, streets and care notes. Plain arrays, sampled by index.

export const FIRST_NAMES = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William',
  'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Christopher', 'Karen', 'Charles', 'Lisa',
  'Daniel', 'Nancy', 'Matthew', 'Betty', 'Anthony', 'Sandra', 'Mark', 'Margaret', 'Donald', 'Ashley', 'Steven',
  'Kimberly', 'Andrew', 'Emily', 'Paul', 'Donna', 'Joshua', 'Michelle', 'Kenneth', 'Carol', 'Kevin', 'Amanda', 'Brian',
  'Melissa', 'Timothy', 'Deborah', 'Ronald', 'Stephanie', 'Jason', 'Rebecca', 'George', 'Sharon', 'Edward', 'Laura',
  'Jeffrey', 'Cynthia', 'Ryan', 'Dorothy', 'Jacob', 'Amy', 'Nicholas', 'Kathleen', 'Gary', 'Angela', 'Eric', 'Shirley',
  'Jonathan', 'Emma', 'Stephen', 'Brenda', 'Larry', 'Pamela', 'Justin', 'Nicole', 'Scott', 'Anna', 'Brandon', 'Samantha',
  'Benjamin', 'Katherine', 'Samuel', 'Christine', 'Gregory', 'Debra', 'Alexander', 'Rachel', 'Patrick', 'Carolyn',
  'Frank', 'Janet', 'Raymond', 'Maria', 'Jack', 'Olivia', 'Dennis', 'Heather', 'Jerry', 'Helen', 'Tyler', 'Catherine',
  'Aaron', 'Diane', 'Jose', 'Julie', 'Adam', 'Victoria', 'Nathan', 'Joyce', 'Henry', 'Lauren', 'Zachary', 'Kelly',
  'Douglas', 'Christina', 'Peter', 'Ruth', 'Kyle', 'Joan', 'Noah', 'Virginia', 'Ethan', 'Judith', 'Jeremy', 'Evelyn',
  'Christian', 'Hannah', 'Walter', 'Andrea', 'Keith', 'Megan', 'Austin', 'Cheryl', 'Roger', 'Jacqueline', 'Terry',
  'Madison', 'Sean', 'Teresa', 'Gerald', 'Abigail', 'Carl', 'Sophia', 'Dylan', 'Martha', 'Harold', 'Sara', 'Jordan',
  'Gloria', 'Jesse', 'Janice', 'Bryan', 'Kathryn', 'Lawrence', 'Ann', 'Arthur', 'Isabella', 'Gabriel', 'Judy', 'Bruce',
  'Charlotte', 'Logan', 'Julia', 'Billy', 'Grace', 'Joe', 'Amber', 'Alan', 'Alice', 'Juan', 'Jean', 'Elijah', 'Denise',
  'Willie', 'Frances', 'Albert', 'Danielle', 'Wayne', 'Marilyn', 'Randy', 'Natalie', 'Mason', 'Beverly', 'Vincent',
  'Diana', 'Liam', 'Brittany', 'Roy', 'Theresa', 'Bobby', 'Kayla', 'Caleb', 'Alexis', 'Bradley', 'Doris', 'Russell',
  'Lori', 'Lucas', 'Tiffany', 'Carlos', 'Luis', 'Ana', 'Miguel', 'Sofia', 'Diego', 'Camila', 'Wei', 'Mei', 'Raj',
  'Priya', 'Hiroshi', 'Yuki', 'Mohammed', 'Fatima', 'Omar', 'Aisha', 'Dmitri', 'Olga', 'Kwame', 'Ama', 'Minh', 'Linh',
]

export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez',
  'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez',
  'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King',
  'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera',
  'Campbell', 'Mitchell', 'Carter', 'Roberts', 'Gomez', 'Phillips', 'Evans', 'Turner', 'Diaz', 'Parker', 'Cruz',
  'Edwards', 'Collins', 'Reyes', 'Stewart', 'Morris', 'Morales', 'Murphy', 'Cook', 'Rogers', 'Gutierrez', 'Ortiz',
  'Morgan', 'Cooper', 'Peterson', 'Bailey', 'Reed', 'Kelly', 'Howard', 'Ramos', 'Kim', 'Cox', 'Ward', 'Richardson',
  'Watson', 'Brooks', 'Chavez', 'Wood', 'James', 'Bennett', 'Gray', 'Mendoza', 'Ruiz', 'Hughes', 'Price', 'Alvarez',
  'Castillo', 'Sanders', 'Patel', 'Myers', 'Long', 'Ross', 'Foster', 'Jimenez', 'Powell', 'Jenkins', 'Perry', 'Russell',
  'Sullivan', 'Bell', 'Coleman', 'Butler', 'Henderson', 'Barnes', 'Gonzales', 'Fisher', 'Vasquez', 'Simmons', 'Romero',
  'Jordan', 'Patterson', 'Alexander', 'Hamilton', 'Graham', 'Reynolds', 'Griffin', 'Wallace', 'Moreno', 'West', 'Cole',
  'Hayes', 'Bryant', 'Herrera', 'Gibson', 'Ellis', 'Tran', 'Medina', 'Aguilar', 'Stevens', 'Murray', 'Ford', 'Castro',
  'Marshall', 'Owens', 'Harrison', 'Fernandez', 'McDonald', 'Woods', 'Washington', 'Kennedy', 'Wells', 'Vargas', 'Henry',
  'Chen', 'Freeman', 'Webb', 'Tucker', 'Guzman', 'Burns', 'Crawford', 'Olson', 'Simpson', 'Porter', 'Hunter', 'Gordon',
  'Mendez', 'Silva', 'Shaw', 'Snyder', 'Mason', 'Dixon', 'Munoz', 'Hunt', 'Hicks', 'Holmes', 'Palmer', 'Wagner', 'Black',
  'Robertson', 'Boyd', 'Rose', 'Stone', 'Salazar', 'Fox', 'Warren', 'Mills', 'Meyer', 'Rice', 'Schmidt', 'Garza',
  'Daniels', 'Ferguson', 'Nichols', 'Stephens', 'Soto', 'Weaver', 'Ryan', 'Gardner', 'Payne', 'Grant', 'Dunn', 'Kelley',
  'Spencer', 'Hawkins', 'Arnold', 'Pierce', 'Vazquez', 'Hansen', 'Peters', 'Santos', 'Hart', 'Bradley', 'Knight', 'Wang',
  'Zhang', 'Liu', 'Singh', 'Shah', 'Yamamoto', 'Tanaka', 'Ivanova', 'Okafor', 'Mensah', 'Pham', "O'Brien", 'Kowalski',
]

export const EMAIL_DOMAINS = ['gmail.com', 'gmail.com', 'gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'icloud.com', 'aol.com', 'proton.me', 'comcast.net', 'att.net', 'verizon.net']

export const BUSINESS_WORDS = [
  'Summit', 'Harbor', 'Pioneer', 'Cascade', 'Redwood', 'Keystone', 'Lakeside', 'Ironwood', 'Bluebonnet', 'Prairie',
  'Granite', 'Riverbend', 'Evergreen', 'Northstar', 'Magnolia', 'Canyon', 'Liberty', 'Frontier', 'Cedar', 'Atlas',
  'Beacon', 'Copper', 'Silverline', 'Oakridge', 'Sunbelt', 'Tidewater', 'Heartland', 'Coastal', 'Metro', 'Apex',
]
export const BUSINESS_KINDS = [
  'Plumbing', 'Logistics', 'Dental Group', 'Realty', 'Landscaping', 'Electric', 'Courier', 'Home Health', 'Roofing',
  'Construction', 'Auto Repair', 'HVAC', 'Catering', 'Property Management', 'Security', 'Trucking', 'Veterinary Clinic',
  'Pest Control', 'Cleaning Services', 'Fleet Services', 'Medical Transport', 'Farms', 'Vending', 'Delivery',
]
export const BUSINESS_SUFFIXES = ['LLC', 'Inc', 'Co', 'LLC', 'Group', 'Corp', 'LLC', 'Partners']

export const STREET_NAMES = [
  'Main', 'Oak', 'Maple', 'Cedar', 'Pine', 'Elm', 'Washington', 'Lake', 'Hill', 'Park', 'Walnut', 'Sunset', 'Lincoln',
  'Jackson', 'Church', 'Highland', 'Franklin', 'Willow', 'Jefferson', 'Center', 'Ridge', 'Meadow', 'Spring', 'River',
  'Chestnut', 'Forest', 'Madison', 'Dogwood', 'Hickory', 'Magnolia', 'Cherry', 'Adams', 'Lakeview', 'Mill', 'Valley',
  'Broad', 'Market', 'Orchard', 'Pecan', 'Sycamore', 'Birch', 'Aspen', 'Laurel', 'Heritage', 'Colonial', 'Prospect',
]
export const STREET_SUFFIXES = ['St', 'Ave', 'Rd', 'Dr', 'Ln', 'Blvd', 'Ct', 'Way', 'Pl', 'Ter', 'Cir', 'Pkwy']

export const AGENTS = [
  'Alicia Moreno', 'Ben Carter', 'Chloe Nguyen', 'Darius Hill', 'Elena Petrova', 'Felix Okoro', 'Grace Lin',
  'Hector Ramos', 'Imani Brooks', 'Jonah Weiss', 'Kara Singh', 'Luis Ortega', 'Maya Thompson', 'Nate Fischer',
  'Olivia Park', 'Priya Raman', 'Quinn Foster', 'Rosa Delgado', 'Sam Whitaker', 'Tessa Young', 'Umar Haddad',
  'Vera Kowalski', 'Wes Morgan', 'Xin Zhao', 'Yara Haddad', 'Zoe Palmer', 'Care Bot',
]

/** Carriers a line can port out to (voluntary churn). */
export const PORT_OUT_CARRIERS = ['Verizon', 'AT&T', 'T-Mobile', 'Mint Mobile', 'Visible', 'Cricket', 'Metro by T-Mobile', 'US Mobile']

/** Real TAC prefixes (8 digits) of common handsets and modems, for plausible IMEIs. */
export const TACS_MOBILE = ['35391110', '35290611', '35325110', '35467211', '35899210', '35175613', '35438012', '35674108', '35905412', '35332010']
export const TACS_HOMEFI = ['86717904', '86498703', '35288010', '86176704']
export const TACS_IOT = ['86523603', '35473510', '86945204', '35909407']
