"""Name lists for the synthetic Northbrook population, by heritage.

The lists are common names of each community in England (birth-registration and census
frequency lists give the same flavour); they are deliberately ordinary so the demo looks like
real work. Each heritage carries the CIN census ethnicity code and first language most of its
people would record, and how often adults need an interpreter.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heritage:
    code: str
    ethnicity: str
    weight: float
    surnames: tuple[str, ...]
    male: tuple[str, ...]
    female: tuple[str, ...]
    # Names for people born before 1975 (grandparents), when the community's fashion differs.
    older_male: tuple[str, ...] = ()
    older_female: tuple[str, ...] = ()
    # Names given to children born since 2008, when the fashion differs.
    young_male: tuple[str, ...] = ()
    young_female: tuple[str, ...] = ()
    languages: tuple[tuple[str, float], ...] = (("English", 1.0),)
    interpreter_rate: float = 0.0
    # Share of adults who arrived recently and have no NHS number traced yet.
    no_nhs_rate: float = 0.01
    middle_names: bool = True
    known_as: dict[str, str] = field(default_factory=dict)


def _t(text: str) -> tuple[str, ...]:
    return tuple(text.split())


WHITE_BRITISH = Heritage(
    code="white_british",
    ethnicity="WBRI",
    weight=0.60,
    surnames=_t(
        "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans "
        "Walker White Roberts Green Hall Wood Jackson Clarke Hughes Edwards Turner Hill Moore "
        "Harris Martin Cooper Ward Morris Baker Carter Lee Harrison Parker Bennett Shaw Cook "
        "Richardson Bell Marshall Allen Mason Barker Holmes Fletcher Atkinson Chapman Kelly "
        "Pearson Ellis Hunt Dixon Lloyd Webb Simpson Mills Foster Gibson Palmer Rogers Cox "
        "Hudson Gray Stevens Watson Booth Knight Dawson Price Lawson Hargreaves Whitehead Ashworth "
        "Greenwood Pickering Sutcliffe Brooke Hardcastle Lockwood Bamford Crowther Haigh Kershaw "
        "Pollard Stansfield Walsh Barnes Goodwin Lowe Spencer Fox Burton Wells Newton Naylor"
    ),
    male=_t(
        "Daniel James Craig Lee Matthew Christopher Michael Andrew Ryan Jamie Ashley Dean Gary "
        "Scott Stephen Paul Mark Carl Wayne Liam Adam Luke Thomas Joshua Jordan Kieran Nathan "
        "Jason Richard Darren Shaun Kyle Callum Connor Bradley Jack Sam Ben Tom Aaron Reece"
    ),
    female=_t(
        "Sarah Emma Laura Rebecca Gemma Kelly Stacey Hayley Lisa Claire Nicola Danielle Jade "
        "Kayleigh Amy Chloe Charlotte Hannah Jessica Lauren Leanne Samantha Natalie Zoe Kirsty "
        "Rachel Vicky Joanne Louise Katie Megan Courtney Shannon Abbie Bethany Paige Holly"
    ),
    older_male=_t(
        "David John Peter Michael Brian Keith Alan Graham Ian Kevin Colin Trevor Barry Terry "
        "Derek Roy Malcolm Geoffrey Raymond Philip"
    ),
    older_female=_t(
        "Susan Linda Christine Margaret Julie Karen Jacqueline Janet Carol Patricia Elaine "
        "Tracey Deborah Sandra Pauline Lorraine Denise Diane Angela Beverley"
    ),
    young_male=_t(
        "Oliver Noah Jack Harry George Leo Alfie Charlie Freddie Oscar Arthur Archie Theo "
        "Jacob Thomas Henry Finley Riley Mason Logan Harrison Tommy Reggie Teddy Albie Ronnie "
        "Frankie Jaxon Lewis Ethan Tyler Kai Louie Max Dylan Joshua William"
    ),
    young_female=_t(
        "Olivia Amelia Isla Ava Ivy Lily Freya Florence Mia Poppy Isabella Sophia Grace "
        "Evie Ella Daisy Rosie Willow Millie Ruby Phoebe Maisie Emily Harper Erin Lola Esme "
        "Darcie Sienna Lacey Summer Thea Hallie Aria Matilda Evelyn"
    ),
    known_as={
        "Christopher": "Chris",
        "Matthew": "Matt",
        "Samantha": "Sam",
        "Rebecca": "Becky",
        "Michael": "Mike",
        "Joshua": "Josh",
        "Daniel": "Danny",
        "Thomas": "Tom",
        "Alfie": "Alf",
        "Isabella": "Bella",
        "William": "Billy",
    },
)

WHITE_IRISH = Heritage(
    code="irish",
    ethnicity="WIRI",
    weight=0.04,
    surnames=_t(
        "Murphy Kelly O'Sullivan Walsh O'Brien Byrne Ryan O'Connor O'Neill Doyle McCarthy "
        "Gallagher Doherty Kennedy Lynch Murray Quinn Moore McLoughlin Brennan Flanagan Fitzgerald"
    ),
    male=_t("Sean Patrick Ciaran Declan Conor Eoin Niall Kieran Aidan Cathal Darragh Liam"),
    female=_t("Siobhan Niamh Aoife Ciara Roisin Sinead Orla Grainne Maeve Aisling Caoimhe Clodagh"),
    older_male=_t("Michael Patrick Seamus Gerard Brendan Francis Martin"),
    older_female=_t("Mary Bridget Kathleen Maureen Eileen Theresa Noreen"),
    young_male=_t("Oisin Cillian Fionn Rory Tadhg Jack Conor Cian Ronan"),
    young_female=_t("Saoirse Aoife Erin Niamh Clodagh Ella Grace Orla Fiadh"),
)

TRAVELLER = Heritage(
    code="traveller",
    ethnicity="WIRT",
    weight=0.01,
    surnames=_t("Ward McDonagh Connors Joyce Maughan Doran Delaney Quilligan Sherlock Gavin"),
    male=_t("John Patrick Michael Martin Thomas James Christopher Joe"),
    female=_t("Mary Bridget Margaret Kathleen Nora Ellen Winnie Theresa"),
    young_male=_t("Johnny Paddy Michael Martin Tom Joe Mikey Jimmy"),
    young_female=_t("Bridget Mary Margaret Kathleen Nora Shauna Chelsea Winnie"),
    no_nhs_rate=0.05,
)

POLISH = Heritage(
    code="polish",
    ethnicity="WOTH",
    weight=0.06,
    surnames=_t(
        "Nowak Kowalski Wisniewski Wojcik Kowalczyk Kaminski Lewandowski Zielinski Szymanski "
        "Wozniak Dabrowski Kozlowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski Grabowski "
        "Nowakowski Pawlowski Michalski Adamczyk Dudek Zajac Wieczorek Jablonski Krol Majewski"
    ),
    male=_t("Piotr Krzysztof Tomasz Pawel Marcin Michal Lukasz Grzegorz Mateusz Adam Marek Dawid"),
    female=_t(
        "Anna Katarzyna Agnieszka Magdalena Joanna Monika Malgorzata Aleksandra Ewa Karolina "
        "Justyna Marta"
    ),
    older_male=_t("Stanislaw Jan Andrzej Jozef Tadeusz Zbigniew"),
    older_female=_t("Krystyna Barbara Danuta Teresa Halina Grazyna"),
    young_male=_t("Jakub Antoni Szymon Filip Jan Kacper Aleksander Franciszek Mikolaj Wojciech"),
    young_female=_t("Zofia Zuzanna Julia Lena Maja Hanna Alicja Oliwia Amelia Laura"),
    languages=(("Polish", 1.0),),
    interpreter_rate=0.3,
    no_nhs_rate=0.06,
)

ROMANIAN = Heritage(
    code="romanian",
    ethnicity="WOTH",
    weight=0.02,
    surnames=_t(
        "Popescu Ionescu Popa Stan Dumitru Stoica Gheorghe Matei Ciobanu Rusu Munteanu Lazar"
    ),
    male=_t("Andrei Alexandru Ionut Florin Mihai Gabriel Adrian Cristian Bogdan Marius"),
    female=_t("Elena Ioana Andreea Maria Mihaela Alina Cristina Roxana Daniela Simona"),
    young_male=_t("David Luca Matei Stefan Darius Eric Alexandru Gabriel"),
    young_female=_t("Sofia Ana Maria Daria Ioana Antonia Bianca Eva"),
    languages=(("Romanian", 1.0),),
    interpreter_rate=0.35,
    no_nhs_rate=0.1,
)

ROMA = Heritage(
    code="roma",
    ethnicity="WROM",
    weight=0.005,
    surnames=_t("Lakatos Balogh Horvath Kolompar Oláh Sarkozi Rostas Mirga"),
    male=_t("Zoltan Laszlo Gyula Istvan Janos Tibor Marian Robert"),
    female=_t("Erzsebet Maria Ilona Katalin Renata Monika Vanessa Jolana"),
    languages=(("Romani", 0.5), ("Slovak", 0.3), ("Hungarian", 0.2)),
    interpreter_rate=0.4,
    no_nhs_rate=0.15,
)

PAKISTANI = Heritage(
    code="pakistani",
    ethnicity="APKN",
    weight=0.07,
    surnames=_t(
        "Khan Hussain Ahmed Ali Iqbal Akhtar Mahmood Rashid Butt Shah Malik Aslam Bibi Javed "
        "Riaz Saleem Hanif Nawaz Anwar Chaudhry Rehman Sadiq"
    ),
    male=_t(
        "Muhammad Imran Asif Tariq Zahid Kamran Shahid Naveed Adnan Faisal Usman Bilal Amir "
        "Waqas Sajid Irfan"
    ),
    female=_t(
        "Ayesha Fatima Saima Nadia Sadia Rabia Shazia Amina Samina Noreen Asma Hina Sana Bushra"
    ),
    older_male=_t("Mohammed Abdul Ghulam Rafiq Bashir Nazir"),
    older_female=_t("Zubaida Parveen Nasreen Rukhsana Begum Shamim"),
    young_male=_t("Muhammad Ibrahim Yusuf Zayn Ayaan Musa Hamza Rayyan Eesa Haroon Adam Zakariya"),
    young_female=_t("Maryam Aisha Hafsa Zainab Inaaya Amira Hania Safa Anaya Mahnoor Iman Hana"),
    languages=(("English", 0.55), ("Urdu", 0.3), ("Punjabi", 0.15)),
    interpreter_rate=0.12,
    middle_names=False,
)

INDIAN = Heritage(
    code="indian",
    ethnicity="AIND",
    weight=0.04,
    surnames=_t(
        "Patel Singh Kaur Sharma Gill Sandhu Mistry Shah Kumar Parmar Chauhan Dhillon Bains"
    ),
    male=_t("Rajesh Sanjay Amit Vikram Arjun Harpreet Gurpreet Jaspal Nikhil Rohan Ravi Sunil"),
    female=_t("Priya Anjali Neha Pooja Kiran Harpreet Manpreet Sunita Deepa Nisha Meera Divya"),
    young_male=_t("Arjun Aarav Krish Dev Veer Kabir Rohan Aryan Jai Reyansh"),
    young_female=_t("Anaya Diya Aanya Saanvi Isha Riya Simran Myra Kiara Tara"),
    languages=(("English", 0.6), ("Gujarati", 0.2), ("Punjabi", 0.2)),
    interpreter_rate=0.08,
    middle_names=False,
)

BANGLADESHI = Heritage(
    code="bangladeshi",
    ethnicity="ABAN",
    weight=0.03,
    surnames=_t("Begum Miah Uddin Rahman Islam Hoque Ahmed Choudhury Khatun Ali Hossain Sarkar"),
    male=_t("Abdul Mohammed Shahid Jamal Rashid Kamal Anwar Shafiq Habib Sohel Faruk"),
    female=_t("Rokeya Shirin Nazma Rumana Salma Jahanara Shahana Taslima Farzana Rehana"),
    young_male=_t("Rayan Ayaan Zakaria Ismail Yahya Ibrahim Arham Safwan"),
    young_female=_t("Aleena Tasnim Safiya Inaya Aisha Ruqayyah Humaira Sumaiya"),
    languages=(("Bengali", 0.6), ("Sylheti", 0.2), ("English", 0.2)),
    interpreter_rate=0.3,
    middle_names=False,
)

CARIBBEAN = Heritage(
    code="caribbean",
    ethnicity="BCRB",
    weight=0.035,
    surnames=_t(
        "Campbell Brown Williams Grant Clarke Reid Francis Thomas Henry Robinson Morgan Walters "
        "Bailey Gordon Samuels Gayle Hamilton Barrett"
    ),
    male=_t("Marcus Andre Dwayne Jermaine Leon Tyrone Delroy Winston Kwame Jerome Darnell Lloyd"),
    female=_t("Shanice Keisha Tanya Marcia Simone Natasha Janelle Chantelle Nadine Donna Kerry"),
    older_male=_t("Winston Delroy Errol Clive Lloyd Neville"),
    older_female=_t("Hyacinth Pearline Gloria Marcia Joyce Beverley"),
    young_male=_t("Malachi Tyrell Jayden Elijah Josiah Kairo Amari Isaiah Reuben"),
    young_female=_t("Amara Nia Kiara Aaliyah Imani Serena Zara Tia Jada"),
)

NIGERIAN = Heritage(
    code="african",
    ethnicity="BAFR",
    weight=0.035,
    surnames=_t(
        "Okafor Adeyemi Okonkwo Olawale Eze Adebayo Nwosu Oyelaran Balogun Afolabi Mensah Boateng "
        "Asante Owusu Osei Mutasa Moyo Ndlovu"
    ),
    male=_t("Oluwaseun Chinedu Emeka Tunde Kwabena Kofi Babatunde Chukwuemeka Femi Ifeanyi Tendai"),
    female=_t("Adaeze Chioma Folake Ngozi Abena Akosua Funmilayo Ifeoma Yewande Esi Rudo"),
    young_male=_t("David Daniel Joshua Emmanuel Samuel Tobi Kayode Caleb Nathaniel Victor"),
    young_female=_t("Esther Favour Precious Blessing Deborah Tolu Adaora Grace Ruth Abigail"),
    languages=(("English", 0.7), ("Yoruba", 0.15), ("Twi", 0.1), ("Shona", 0.05)),
    interpreter_rate=0.03,
    no_nhs_rate=0.05,
)

SOMALI = Heritage(
    code="somali",
    ethnicity="BAFR",
    weight=0.015,
    surnames=_t("Mohamed Ahmed Hassan Ali Omar Abdi Farah Yusuf Ismail Warsame Jama Osman"),
    male=_t("Abdirahman Mohamed Abdullahi Hassan Abdi Omar Ahmed Said Khalid Mustafe"),
    female=_t("Hodan Amina Fadumo Sahra Hibo Ifrah Nimco Ayan Ubah Sagal"),
    young_male=_t("Yusuf Ayub Khalid Zakariye Ilyas Bilal Suleiman Abdullahi"),
    young_female=_t("Hafsa Khadija Sumaya Ikran Nasra Fardowsa Zamzam Maryan"),
    languages=(("Somali", 1.0),),
    interpreter_rate=0.35,
    no_nhs_rate=0.08,
    middle_names=False,
)

CHINESE = Heritage(
    code="chinese",
    ethnicity="CHNE",
    weight=0.01,
    surnames=_t("Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Lin Wong Cheung Chan Lam"),
    male=_t("Wei Jun Hao Lei Ming Jian Tao Kai Chi Kin"),
    female=_t("Mei Xin Ying Li Hui Yan Jing Ling Fang Wing"),
    young_male=_t("Ethan Ryan Jason Lucas Leo Oscar Hao Yu"),
    young_female=_t("Chloe Emily Grace Mia Yuki Ella Mei Sophie"),
    languages=(("Cantonese", 0.5), ("Mandarin", 0.5)),
    interpreter_rate=0.25,
    no_nhs_rate=0.05,
    middle_names=False,
)

HERITAGES: tuple[Heritage, ...] = (
    WHITE_BRITISH,
    WHITE_IRISH,
    TRAVELLER,
    POLISH,
    ROMANIAN,
    ROMA,
    PAKISTANI,
    INDIAN,
    BANGLADESHI,
    CARIBBEAN,
    NIGERIAN,
    SOMALI,
    CHINESE,
)

# Ethnicity of a child of two heritages (CIN census "mixed" codes).
MIXED = {
    frozenset({"WBRI", "BCRB"}): "MWBC",
    frozenset({"WBRI", "BAFR"}): "MWBA",
    frozenset({"WBRI", "APKN"}): "MWAS",
    frozenset({"WBRI", "AIND"}): "MWAS",
    frozenset({"WBRI", "ABAN"}): "MWAS",
    frozenset({"WBRI", "CHNE"}): "MWAS",
}

STREET_ROOTS = _t(
    "Elm Beech Oak Ash Willow Birch Rowan Hawthorn Holly Chestnut Linden Laurel Maple Cedar Alder "
    "Mill Brook Church Chapel School Station Victoria Albert Queen King Park Hill Moor Bank "
    "Meadow Orchard Garden Spring Well Bridge Canal River Field Croft Grange Manor Abbey Priory "
    "Cobden Peel Gladstone Nelson Wellington Milton Byron Keats Shelley Tennyson Wordsworth "
    "Bronte Ruskin Morris Lister Cartwright Arkwright Stephenson Brunel Priestley Fairfax "
    "Heather Bracken Fern Thorn Primrose Bluebell Clover Foxglove Lavender Harebell Juniper"
)
STREET_SUFFIXES = _t(
    "Street Road Lane Avenue Grove Close Drive Way Crescent Terrace Gardens Place Court Rise "
    "View Walk"
)
