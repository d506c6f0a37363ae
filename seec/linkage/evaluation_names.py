"""Name pools of the 14 SEEC countries for the linkage evaluation generator (fictional people).

Common given names by sex and common family names per country, each list roughly in order
of frequency (the generator draws with falling weights, so common names repeat and make
look-alike children, as they do in real registers). Serbian and Macedonian names are
written here in their official Latin script and turned into Cyrillic by the generator
(one letter for one letter); Bulgarian and Ukrainian are written in Cyrillic, Greek and
Cypriot in Greek, the others in their national Latin orthography.

Family names are given in their masculine form; `female_family_name` makes the feminine
one where the language has it (Иванов → Иванова, Stojanovski → Stojanovska,
Παπαδόπουλος → Παπαδοπούλου).
"""

from __future__ import annotations


def _words(text: str) -> list[str]:
    return text.split()


GIVEN_FEMALE: dict[str, list[str]] = {
    "RS": _words("""
        Milica Ana Marija Jovana Teodora Jelena Sara Katarina Anđela Nevena Tamara Dragana
        Ivana Aleksandra Nikolina Mina Tijana Andrijana Sofija Dunja Lena Maša Vanja Nina
        Natalija Kristina Jana Milena Marina Snežana Jasmina Biljana Danijela Sanja Tea Iva
        Nađa Lana Petra Hana Una Bojana
    """),
    "ME": _words("""
        Milica Jovana Ana Teodora Nađa Marija Sara Anđela Jelena Dragana Ivana Tijana Katarina
        Sofija Lana Maša Nina Dunja Vanja Bojana Nikolina Kristina Tamara Andrea Jana Mia Lejla
        Emina Amra Vesna Milena Danijela Snežana Biljana Ksenija Jasna Marina Tea Lara Iva
    """),
    "BA": _words("""
        Amra Lejla Ajla Emina Sara Ana Amina Merima Selma Aida Azra Hana Lamija Dženana Ena Adna
        Esma Ilma Naida Sajra Alma Belma Edina Elma Jasmina Maida Nejra Emira Medina Sumeja
        Minela Dalila Asja Larisa Marija Ivana Milica Jelena Dragana Anela
    """),
    "HR": _words("""
        Ana Lucija Petra Ivana Mia Ema Lana Marta Sara Nika Katarina Marija Laura Klara Dora
        Elena Lea Iva Rita Tena Helena Antonija Karla Gabriela Franka Paula Matea Magdalena Maja
        Barbara Martina Nikolina Tea Lorena Vita Leona Jana Tara Ena Mihaela
    """),
    "SI": _words("""
        Nika Eva Zala Lara Ema Ana Sara Maja Lana Neža Mia Hana Julija Zoja Ajda Vita Klara Iza
        Kaja Tinkara Ela Manca Maša Pia Živa Lucija Brina Alja Tjaša Urška Nina Špela Katja
        Petra Anja Tina Teja Nuša Anamarija Vesna
    """),
    "MK": _words("""
        Ana Marija Elena Simona Mila Sara Jovana Teodora Angela Marta Mia Eva Nina Iva Kristina
        Aleksandra Ivana Biljana Marina Katerina Jana Tamara Sofija Dragana Natalija Bojana
        Emilija Vesna Snežana Maja Ljubica Gordana Verica Suzana Sanja Vaska Lidija Jasmina
        Irena Frosina
    """),
    "BG": _words("""
        Мария Виктория Никол Йоана Габриела Александра Елена Симона Рая Ива Вяра Дария Кристина
        Теодора Радослава Божидара Мартина Десислава Гергана Цветелина Яна Ани Калина Стефани
        Даниела Емилия Катерина Поля Петя Галя Ралица Йорданка Надежда Анелия Михаела Моника
        Силвия Валентина Деница Борислава
    """),
    "UA": _words("""
        Анастасія Марія Софія Олена Юлія Дарина Вікторія Анна Катерина Ольга Ірина Тетяна
        Наталія Оксана Христина Валерія Поліна Аліна Ярослава Діана Мирослава Вероніка Злата
        Соломія Єлизавета Ангеліна Олександра Яна Василина Уляна Маргарита Богдана Леся Людмила
        Галина Світлана Надія Кіра Мілана Єва
    """),
    "MD": _words("""
        Ana Daniela Cristina Mihaela Victoria Maria Elena Ecaterina Natalia Olga Tatiana Irina
        Alexandra Adriana Diana Valentina Doina Corina Mariana Nicoleta Svetlana Aurelia Ludmila
        Viorica Veronica Galina Angela Lilia Cătălina Carolina Emilia Eugenia Iuliana Sofia Alina
        Anastasia Patricia Ionela Mădălina Doinița
    """),
    "RO": _words("""
        Ioana Maria Andreea Elena Ana Alexandra Mihaela Cristina Daniela Gabriela Alina Roxana
        Bianca Diana Larisa Teodora Sofia Antonia Ilinca Irina Raluca Simona Denisa Ionela
        Georgiana Florentina Luminița Camelia Adina Oana Carmen Mădălina Anca Iulia Alesia Daria
        Eva Ecaterina Cătălina Natalia
    """),
    "AL": _words("""
        Ana Sara Klea Amelia Ajla Erla Ariana Jonida Elisa Anxhela Xhesika Kejsi Megi Fjona
        Arbana Elona Dea Luna Sidorela Marsela Erisa Leonora Rea Esra Aurora Kristina Bora Dorina
        Elira Blerta Era Teuta Vjosa Alketa Enkeleda Xhulia Greta Hana Rozafa Flutura
    """),
    "TR": _words("""
        Zeynep Elif Ayşe Defne Eylül Fatma Emine Hatice Meryem Esra Büşra Merve Kübra Ecrin Asel
        Azra Nehir Ebrar Hiranur Miray Öykü Yağmur Sude Ceren Damla Gizem İrem Melike Selin
        Şevval Nisa Beyza Tuana Elifnaz Yaren Derin Aleyna Berra Buse Ela Duru
    """),
    "GR": _words("""
        Μαρία Ελένη Κατερίνα Γεωργία Σοφία Αναστασία Δήμητρα Χριστίνα Βασιλική Ευαγγελία Ιωάννα
        Αικατερίνη Παναγιώτα Αγγελική Δέσποινα Ειρήνη Κωνσταντίνα Σταυρούλα Αλεξάνδρα Νικολέτα
        Φωτεινή Ευτυχία Παρασκευή Θεοδώρα Χρυσούλα Αθηνά Ζωή Αφροδίτη Μυρτώ Ελευθερία Αρετή
        Ευφροσύνη Στυλιανή Ολυμπία Ξανθή Άννα Φανή Μαργαρίτα Αργυρώ Δανάη
    """),
    "CY": _words("""
        Ελένη Μαρία Άντρια Χρυσταλλένη Στέλλα Ραφαέλλα Κωνσταντίνα Γεωργία Άννα Νικολέτα
        Παναγιώτα Χριστιάνα Ευαγγελία Μαρίνα Κυριακή Σωτηρούλα Έλενα Δέσποινα Ανδριανή Θεοδώρα
        Μυριάνθη Αντρούλλα Ευτυχία Στεφανία Μελίνα Κατερίνα Ιωάννα Δανάη Φλωρεντία Αναστασία
        Σοφία Ειρήνη Χαρά Αλεξία Χρυστάλλα Ευανθία Ερμιόνη Λουκία Νεκταρία Παρασκευή
    """),
}

GIVEN_MALE: dict[str, list[str]] = {
    "RS": _words("""
        Nikola Luka Stefan Marko Dušan Đorđe Vuk Aleksandar Lazar Filip Nemanja Miloš Petar
        Jovan Uroš Veljko Vukašin Mihajlo Andrej Strahinja Aleksa Ognjen Bogdan Vladimir Milan
        Nebojša Dragan Zoran Igor Dejan Vasilije Pavle Matija Dimitrije Relja Konstantin Mateja
        Danilo Slobodan Goran Ivan
    """),
    "ME": _words("""
        Luka Marko Nikola Vuk Đorđe Petar Stefan Filip Danilo Jovan Balša Lazar Andrija Vasilije
        Aleksa Miloš Nemanja Igor Dejan Srđan Vladimir Milan Dragan Novak Bogdan Pavle Matija
        Ognjen Mihailo Veljko Amar Emir Adnan Haris Dino Ivan Goran Vukašin Radovan Blažo
    """),
    "BA": _words("""
        Amar Adnan Haris Kenan Luka Stefan Harun Tarik Emir Muhamed Hamza Adin Armin Benjamin
        Dino Ermin Eldin Faruk Mirza Nedim Senad Samir Almir Alen Edin Elvir Jasmin Kerim Vedad
        Mahir Semir Omar Ahmed Nikola Marko Ivan Mario Josip Dejan Bojan
    """),
    "HR": _words("""
        Ivan Luka Marko Josip Jakov Matej David Petar Filip Karlo Fran Leon Mateo Roko Lovro Ante
        Toma Borna Dominik Noa Mihael Niko Gabriel Marin Juraj Patrik Vito Bruno Tin Stjepan
        Tomislav Dario Krešimir Mario Igor Damir Nikola Antonio Jan Šimun
    """),
    "SI": _words("""
        Luka Jakob Nejc Žiga Jan Filip Mark Tim Anže Jaka Vid Gal Nik Maks Lovro Matic Rok Aljaž
        Tilen Urban Miha Matija Žan Lan Bor Tian Jure Gašper Blaž Aleks Erik Andraž Domen Gregor
        Klemen Marko Matej Peter Tomaž Aleksander
    """),
    "MK": _words("""
        Stefan Aleksandar Gjorgji Nikola Filip David Luka Mihail Marko Petar Matej Andrej Jovan
        Bojan Darko Goran Zoran Dejan Igor Vladimir Toni Trajče Blagoja Kiril Metodij Dimitar
        Ilija Hristijan Viktor Damjan Kristijan Daniel Martin Mario Ognen Pavle Risto Slavče
        Vasil Todor
    """),
    "BG": _words("""
        Георги Александър Димитър Никола Иван Мартин Даниел Кристиян Виктор Борислав Калоян
        Стефан Теодор Преслав Петър Христо Тодор Йордан Васил Атанас Любомир Ивайло Николай
        Станислав Пламен Красимир Светослав Цветан Валентин Радослав Симеон Емил Михаил Ангел
        Богдан Янко Божидар Огнян Живко Владимир
    """),
    "UA": _words("""
        Олександр Андрій Дмитро Максим Іван Богдан Артем Назар Михайло Матвій Денис Владислав
        Ярослав Тарас Остап Микола Сергій Віталій Юрій Олег Роман Володимир Данило Кирило Євген
        Антон Ілля Тимофій Павло Степан Петро Василь Григорій Ігор Руслан Олексій Вадим Захар
        Марко Святослав
    """),
    "MD": _words("""
        Ion Vasile Nicolae Andrei Mihai Alexandru Sergiu Dumitru Gheorghe Vladimir Victor Igor
        Dan Constantin Iurie Valeriu Petru Ștefan Maxim Denis Artur Cristian Vitalie Ruslan
        Octavian Eugen Radu Marin Veaceslav Oleg Pavel Tudor Gabriel Daniel Adrian Nicolai
        Iulian Ilie Cezar Vlad
    """),
    "RO": _words("""
        Andrei Ștefan Alexandru Mihai Ionuț Ion Gheorghe Vasile Constantin Nicolae Dumitru
        Marian Florin Cristian Adrian Daniel Gabriel Bogdan Ciprian Sorin Răzvan Vlad Radu Cosmin
        Alin Mario Darius David Luca Matei Tudor Sebastian Rareș Eric Teodor Victor Paul Emanuel
        Robert Iustin
    """),
    "AL": _words("""
        Ardit Arlind Erion Kristi Luan Besart Arben Gentian Fatjon Klajdi Endrit Dritan Alban
        Ermal Jurgen Enea Aleksandër Noel Dorian Erald Andi Mario Rei Bledar Ilir Lorenc Saimir
        Gjergj Mateo Edison Altin Arjan Armand Elton Valon Visar Genti Leart Orges Albi Driton
    """),
    "TR": _words("""
        Yusuf Mustafa Emir Ömer Çınar Mehmet Ahmet Ali Hüseyin Hasan İbrahim Murat Burak Eymen
        Alparslan Kerem Aras Miraç Poyraz Yiğit Efe Arda Berat Mert Emre Enes Furkan Kaan Onur
        Serkan Oğuz Umut Tuna Batuhan Ege Doruk Hamza Selim Taha Abdullah
    """),
    "GR": _words("""
        Γιώργος Δημήτρης Νίκος Κώστας Γιάννης Παναγιώτης Χρήστος Βασίλης Γεώργιος Δημήτριος
        Ιωάννης Κωνσταντίνος Νικόλαος Αθανάσιος Ευάγγελος Μιχάλης Σπύρος Αντώνης Θανάσης
        Στέλιος Ηλίας Αλέξανδρος Θοδωρής Μανώλης Σταύρος Άγγελος Πέτρος Απόστολος Λευτέρης
        Χαράλαμπος Φώτης Παύλος Ανδρέας Μάριος Στέφανος Αριστείδης Οδυσσέας Σωτήρης Θεόδωρος
        Βαγγέλης
    """),
    "CY": _words("""
        Ανδρέας Γιώργος Κυριάκος Μάριος Σάββας Χαράλαμπος Κωνσταντίνος Νικόλας Παναγιώτης
        Χρίστος Μιχάλης Αντρέας Σταύρος Λοΐζος Φειδίας Νεόφυτος Σωτήρης Πανίκος Κώστας Δημήτρης
        Αλέξανδρος Βαγγέλης Στέλιος Πέτρος Λεωνίδας Ονήσιλος Αχιλλέας Ηρακλής Θεόδωρος Μάρκος
        Ραφαήλ Άριστος Πρόδρομος Ιάκωβος Χρυσόστομος Στέφανος Αντώνης Γαβριήλ Φίλιππος Ορέστης
    """),
}

FAMILY: dict[str, list[str]] = {
    "RS": _words("""
        Jovanović Petrović Nikolić Marković Đorđević Stojanović Ilić Stanković Pavlović
        Milošević Milovanović Todorović Đukić Kostić Mitrović Stefanović Obradović Živković Lazić
        Ristić Simić Tomić Popović Savić Kovačević Ivanović Radovanović Milenković Lukić
        Mladenović Vasić Jović Antić Marinković Filipović Janković Pešić Bogdanović Vuković
        Radosavljević Stevanović Nedeljković Aleksić Bošković Ćirić Dimitrijević Zdravković Đurić
        Krstić Cvetković Milić Vasiljević Matić Gajić Stojković Rakić Babić Kolarević Milutinović
        Veličković
    """),
    "ME": _words("""
        Popović Vujović Radović Đukanović Vuković Bošković Perović Marković Nikolić Jovanović
        Kovačević Šćekić Radulović Lakić Ivanović Petrović Vučinić Đurović Pejović Raičević
        Mijušković Mugoša Lekić Radonjić Vujošević Drobnjak Bulatović Knežević Vujačić Milić
        Živković Laković Jokić Martinović Brajović Đurišić Krivokapić Vukčević Šoć Pavićević
        Lalević Rakočević Mitrović Vlahović Dragović Mićunović Stanišić Simonović Jovović Vulević
        Dedović Hadžić Kalač Muratović Adrović Ljuca Camaj Dušaj Nikčević Zeković
    """),
    "BA": _words("""
        Hodžić Hadžić Begić Delić Kovačević Mehmedović Šehić Hasanović Ibrahimović Husić Alić
        Mujić Salihović Halilović Omerović Suljić Ahmetović Mahmutović Softić Bešić Avdić Smajić
        Osmanović Muratović Karić Mešić Zukić Jusić Hrnjić Čaušević Hukić Bajrić Mustafić Efendić
        Hasić Memić Imamović Ramić Selimović Terzić Kurtović Spahić Huskić Hamzić Džafić Pašić
        Babić Jurić Marić Tadić Šarić Vidović Knežević Kovač Jelić Lukić Perić Ilić Pavlović
        Nikolić
    """),
    "HR": _words("""
        Horvat Kovačević Babić Marić Jurić Novak Knežević Vuković Marković Petrović Matić Tomić
        Pavlović Kovačić Božić Blažević Grgić Pavić Radić Perić Kovač Lovrić Šarić Brkić Ivanović
        Vidović Mandić Bošnjak Filipović Jukić Čović Matijević Bašić Pranjić Klarić Barišić
        Rukavina Mikulić Vukelić Pavičić Lončar Galić Šimić Kolar Lukić Tadić Perković Pejić
        Živković Vrdoljak Šimunović Martinović Bilić Crnković Posavec Kralj Ćosić Herceg Ivić
        Zorić
    """),
    "SI": _words("""
        Novak Horvat Kovačič Krajnc Zupančič Potočnik Kovač Mlakar Kos Vidmar Golob Turk Kralj
        Božič Korošec Bizjak Zupan Hribar Kavčič Rozman Kastelic Oblak Petek Žagar Kolar Hočevar
        Koželj Košir Kotnik Rupnik Zajc Mihelič Kuhar Žnidaršič Medved Jereb Zorko Kolenc Tomažič
        Pirc Sever Kokalj Hren Debeljak Uršič Bezjak Vodopivec Zorman Lesjak Jelen Kobal Ribič
        Kranjc Gregorič Bergant Jerman Dolenc Mlinar Koren Knez
    """),
    "MK": _words("""
        Stojanovski Nikolovski Trajkovski Gjorgjiev Jovanov Petrovski Angelovski Dimitrievski
        Stojanov Georgievski Ristovski Kostovski Nikolov Petrov Ivanov Janevski Velkovski
        Mitrevski Spasovski Stojkovski Jovanovski Pavlovski Arsovski Bogdanovski Markovski
        Todorovski Trajkov Lazarevski Iliev Popovski Naumovski Krstevski Atanasov Jankulovski
        Kocev Ognenovski Milevski Stefanovski Tasevski Zdravkovski Aleksovski Andonov Hristov
        Mladenovski Dimovski Nedelkovski Blaževski Vasilevski Simonovski Cvetkovski
        Kiprijanovski Manevski Gjorgjievski Nacevski Jakimovski Kuzmanovski Ristov Josifovski
        Stefanov Damjanovski
    """),
    "BG": _words("""
        Иванов Георгиев Димитров Петров Стоянов Николов Христов Йорданов Тодоров Илиев Атанасов
        Ангелов Василев Костадинов Маринов Колев Михайлов Стефанов Симеонов Марков Попов Кирилов
        Янков Радев Александров Божинов Цветков Павлов Генчев Славов Младенов Добрев Кръстев
        Станчев Желязков Великов Борисов Пеев Лазаров Найденов Митев Гочев Ненчев Спасов Трифонов
        Рашков Вълчев Пенев Киров Тончев Златев Станев Дончев Русев Кънчев Петков Йотов Минчев
        Костов Ганчев
    """),
    "UA": _words("""
        Шевченко Коваленко Бондаренко Ткаченко Кравченко Мельник Ковальчук Олійник Шевчук
        Поліщук Бойко Ткачук Савченко Марченко Руденко Лисенко Мороз Петренко Клименко Павленко
        Кузьменко Левченко Гончаренко Харченко Карпенко Сидоренко Швець Романенко Мельничук
        Савчук Кравчук Литвиненко Пономаренко Гриценко Василенко Лук'яненко Мазур Приходько
        Кушнір Костенко Собко Ярошенко Дмитренко Зінченко Гаврилюк Остапенко Семенко Вовк Стасюк
        Юрченко Тимошенко Білик Захарченко Гуменюк Онищенко Панченко Федоренко Нестеренко
        Кириленко Головко
    """),
    "MD": _words("""
        Rusu Ceban Ciobanu Țurcanu Lungu Cojocaru Popa Munteanu Rotari Sârbu Bivol Moraru Guțu
        Cebotari Melnic Roșca Croitoru Balan Botnari Postolachi Ursu Gumeniuc Rusnac Vrabie
        Caraman Cazacu Cernei Cozma Ganea Grosu Lupu Mocanu Negru Oprea Palade Plămădeală
        Railean Sandu Scutaru Spînu Stratan Tabac Tcaci Toma Ungureanu Vieru Zaharia Chiriac
        Bejenari Bejan Căldare Donică Gheorghiță Hâncu Jardan Levința Marin Nistor Pascari
        Prisacari
    """),
    "RO": _words("""
        Popescu Ionescu Popa Rădulescu Stoica Dumitrescu Stan Stanciu Dumitru Munteanu Constantin
        Gheorghe Matei Rusu Mihai Marin Lazăr Ciobanu Florea Ilie Toma Tudor Dinu Barbu Nistor
        Moldovan Cristea Ene Mocanu Dobre Oprea Dragomir Voicu Preda Bălan Neagu Diaconu Lupu
        Nedelcu Coman Sandu Iordache Vasile Petrescu Manea Niculescu Radu Tănase Anghel Enache
        Ursu Ungureanu Sima Pop Cozma Husar Roman Surdu Mitrea Vlad
    """),
    "AL": _words("""
        Hoxha Shehu Gjoka Dervishi Leka Kola Çela Hysa Marku Prifti Zeneli Basha Mema Lika Dushku
        Bregu Hasani Muça Gjini Kapllani Meta Gjoni Çeka Brahimi Koçi Rama Berisha Duka Tafa Vata
        Hoti Lleshi Ndreu Xhafa Cani Dibra Krasniqi Hyseni Beqiri Shkurti Gashi Mustafa Bajrami
        Qosja Kurti Sula Toska Xhemali Begaj Demiri Kastrati Cenaj Pashaj Laçi Hajdari Malaj
        Bushati Lamaj Kuka Muçaj
    """),
    "TR": _words("""
        Yılmaz Kaya Demir Çelik Şahin Öztürk Aydın Yıldız Yıldırım Arslan Doğan Kılıç Aslan Çetin
        Kara Koç Kurt Özdemir Şimşek Polat Korkmaz Karataş Erdoğan Güneş Aksoy Tekin Bulut Keskin
        Ünal Turan Güler Yavuz Avcı Çakır Coşkun Özkan Sarı Kaplan Tunç Akın Bozkurt Uçar Acar
        Yücel Taş Özer Aktaş Karaca Işık Özgür Erdem Türk Tuncer Bayram Sönmez Duman Ateş Kalkan
        Gök Çiftçi
    """),
    "GR": _words("""
        Παπαδόπουλος Παπαδάκης Γεωργίου Οικονόμου Νικολάου Χατζηδάκης Καραγιάννης Βασιλείου
        Παππάς Αθανασίου Δημητρίου Ιωάννου Κωνσταντίνου Μακρής Αντωνίου Πετρόπουλος Αλεξίου
        Λαμπρόπουλος Γεωργιάδης Παπαγεωργίου Μιχαηλίδης Καραμανλής Σταθόπουλος Νικολαΐδης
        Αναστασίου Παναγιωτόπουλος Κωνσταντινίδης Δημόπουλος Χριστοδούλου Μαυρίδης Ζαχαρίου
        Ραφαηλίδης Βλάχος Αγγελόπουλος Κυριακίδης Μπακογιάννης Τσακίρης Σιδηρόπουλος
        Θεοδωρίδης Αλεξανδρόπουλος Γιαννόπουλος Κοντός Καλογεράκης Σπυρόπουλος Μαρκόπουλος
        Κωστόπουλος Ευαγγέλου Μαργαρίτης Τζαννετάκης Ιωαννίδης Φραγκιαδάκης Δρακόπουλος Λιάπης
        Σαββίδης Πολυχρόνης Ξενάκης Καρράς Μαυρομάτης Γαλανός Τσολάκης
    """),
    "CY": _words("""
        Ιωάννου Χριστοδούλου Κωνσταντίνου Σάββα Χαραλάμπους Γεωργίου Νικολάου Ανδρέου Παναγιώτου
        Μιχαήλ Αντωνίου Ευαγγέλου Κυριάκου Δημητρίου Χριστοφόρου Λοΐζου Θεοδώρου Νεοφύτου
        Σωτηρίου Ηλία Στυλιανού Πετρίδης Χατζηγεωργίου Χατζηιωάννου Κυπριανού Παπαδόπουλος
        Χαραλαμπίδης Στεφάνου Μάρκου Αθανασίου Ιακώβου Αριστείδου Ζαχαρίου Φιλίππου Χρυσοστόμου
        Προδρόμου Κλεάνθους Παντελή Μαυρομμάτης Ευριπίδου Σολωμού Νικηφόρου Λαμπριανού
        Αγαθοκλέους Σεργίδης Κουλλάπης Χρίστου Πιερίδης Περικλέους Ευσταθίου Τσαγγαρίδης
        Χαρίτου Σταύρου Κωνσταντινίδης Μιλτιάδους Αβραάμ Ορφανίδης Θεμιστοκλέους Τάκκας
        Πογιατζής Γιάγκου
    """),
}

# Everyday forms of given names (diminutives, short forms), as a relative or a friend gives
# them. Keyed by the name as the pools above write it.
NICKNAMES: dict[str, dict[str, list[str]]] = {
    "RS": {
        "Aleksandar": ["Saša", "Aca"], "Aleksandra": ["Saša"], "Milica": ["Mica"],
        "Stefan": ["Steva"], "Jovana": ["Joca"], "Marija": ["Maja", "Mara"],
        "Katarina": ["Kaća"], "Dušan": ["Dule"], "Vladimir": ["Vlada"], "Nebojša": ["Neša"],
        "Dragan": ["Gaga"], "Đorđe": ["Đole"], "Jelena": ["Jeca"], "Mihajlo": ["Mika"],
        "Nemanja": ["Neca"], "Snežana": ["Sneža"], "Nikola": ["Dzoni"], "Zoran": ["Zoki"],
        "Milan": ["Mića"], "Slobodan": ["Boban"],
    },
    "MK": {
        "Aleksandar": ["Sašo", "Ace"], "Gjorgji": ["Gjoko"], "Marija": ["Maja"],
        "Nikola": ["Niki"], "Katerina": ["Kate"], "Kristijan": ["Kiko"], "Hristijan": ["Iko"],
        "Dimitar": ["Mite"], "Snežana": ["Sneže"], "Zoran": ["Zoki"], "Goran": ["Gogi"],
        "Jovana": ["Joce"], "Aleksandra": ["Saška"],
    },
    "BG": {
        "Александър": ["Сашо"], "Георги": ["Гошо", "Жоро"], "Иван": ["Ваньо"],
        "Димитър": ["Митко"], "Мария": ["Мими"], "Петър": ["Пешо"], "Николай": ["Ники"],
        "Тодор": ["Тошо"], "Стефан": ["Стефчо"], "Виктория": ["Вики"], "Йордан": ["Данчо"],
        "Христо": ["Ицо"], "Любомир": ["Любо"], "Ивайло": ["Ивчо"], "Красимир": ["Краси"],
        "Десислава": ["Деси"], "Йорданка": ["Данче"], "Александра": ["Саша"],
    },
    "UA": {
        "Олександр": ["Сашко", "Саша"], "Олександра": ["Саша"], "Дмитро": ["Діма"],
        "Іван": ["Ваня"], "Марія": ["Марічка"], "Софія": ["Соня"], "Анастасія": ["Настя"],
        "Юлія": ["Юля"], "Катерина": ["Катя"], "Олена": ["Оленка"], "Максим": ["Макс"],
        "Михайло": ["Михась"], "Тетяна": ["Таня"], "Наталія": ["Наталка"],
        "Володимир": ["Вова"], "Ярослав": ["Ярик"], "Богдан": ["Бодя"], "Микола": ["Коля"],
        "Юрій": ["Юрко"],
    },
    "RO": {
        "Ioana": ["Ionela", "Ioanina"], "Ion": ["Ionuț", "Nelu"], "Alexandru": ["Alex", "Sandu"],
        "Gheorghe": ["Ghiță", "Gigi"], "Maria": ["Mărioara", "Mia"], "Elena": ["Lenuța"],
        "Nicolae": ["Nicu"], "Vasile": ["Vasilică"], "Ștefan": ["Fane"], "Mihai": ["Mihăiță"],
        "Constantin": ["Costel", "Costică"], "Dumitru": ["Mitică"], "Daniela": ["Dana"],
        "Cristina": ["Cristi"], "Gabriela": ["Gabi"], "Gabriel": ["Gabi"],
    },
    "SH": {  # Croatian, Bosnian, Montenegrin, Slovenian Latin
        "Ivan": ["Ivo"], "Josip": ["Joža", "Jozo"], "Stjepan": ["Stipe"], "Katarina": ["Kata"],
        "Marija": ["Maja"], "Tomislav": ["Tomo"], "Krešimir": ["Krešo"], "Antonija": ["Tonka"],
        "Nikola": ["Niko"], "Aleksander": ["Saša"], "Jakob": ["Jaka"], "Tomaž": ["Tomi"],
        "Muhamed": ["Hamo"], "Emina": ["Emi"], "Amar": ["Amko"], "Aleksandar": ["Saša"],
        "Jovana": ["Joka"], "Milica": ["Mica"], "Đorđe": ["Đoko"], "Vuk": ["Vukić"],
    },
    "AL": {
        "Aleksandër": ["Aleks"], "Gentian": ["Genti"], "Kristi": ["Kris"], "Arben": ["Beni"],
        "Dritan": ["Tani"], "Xhesika": ["Xhesi"], "Anxhela": ["Xhela"], "Marsela": ["Sela"],
        "Leonora": ["Nora"], "Mateo": ["Teo"], "Enkeleda": ["Keda"],
    },
    "TR": {
        "Mehmet": ["Memo"], "Mustafa": ["Musti"], "Hüseyin": ["Hüso"], "İbrahim": ["İbo"],
        "Abdullah": ["Apo"], "Fatma": ["Fato"], "Ahmet": ["Ahmo"], "Hatice": ["Hatçe"],
        "Yusuf": ["Yusi"], "Zeynep": ["Zeyno"],
    },
    "EL": {
        "Γεώργιος": ["Γιώργος"], "Δημήτριος": ["Δημήτρης", "Μήτσος"], "Ιωάννης": ["Γιάννης"],
        "Νικόλαος": ["Νίκος"], "Κωνσταντίνος": ["Κώστας", "Ντίνος"],
        "Παναγιώτης": ["Πάνος", "Τάκης"], "Αικατερίνη": ["Κατερίνα"], "Χαράλαμπος": ["Μπάμπης"],
        "Αθανάσιος": ["Θανάσης", "Σάκης"], "Σταυρούλα": ["Βούλα"], "Ελένη": ["Λένα"],
        "Αναστασία": ["Νατάσα"], "Ευαγγελία": ["Λίτσα"], "Βασιλική": ["Βάσω"],
        "Ιωάννα": ["Γιάννα"], "Γεωργία": ["Γωγώ"], "Χρυσούλα": ["Χρύσα"],
        "Αλέξανδρος": ["Αλέκος"], "Απόστολος": ["Τόλης"], "Θεόδωρος": ["Θοδωρής"],
        "Ευάγγελος": ["Βαγγέλης"], "Ανδρέας": ["Αντρίκκος"], "Γιώργος": ["Γιωρκής"],
        "Χρυσταλλένη": ["Χρυστάλλα"], "Μαρία": ["Μαρούλλα"], "Σωτηρούλα": ["Σούλα"],
    },
}  # fmt: skip

# Which nickname table a country's records use.
NICKNAME_TABLE = {
    "RS": "RS", "MK": "MK", "BG": "BG", "UA": "UA", "RO": "RO", "MD": "RO", "HR": "SH",
    "BA": "SH", "ME": "SH", "SI": "SH", "AL": "AL", "TR": "TR", "GR": "EL", "CY": "EL",
}  # fmt: skip

# Places where children are reported or registered: (name, latitude, longitude).
PLACES: dict[str, list[tuple[str, float, float]]] = {
    "AL": [("Tiranë", 41.328, 19.818), ("Durrës", 41.323, 19.441), ("Shkodër", 42.068, 19.512),
           ("Vlorë", 40.466, 19.489), ("Gjirokastër", 40.076, 20.139)],
    "BA": [("Sarajevo", 43.859, 18.431), ("Mostar", 43.343, 17.808),
           ("Banja Luka", 44.772, 17.191), ("Bihać", 44.817, 15.870), ("Tuzla", 44.538, 18.676)],
    "BG": [("София", 42.698, 23.322), ("Пловдив", 42.144, 24.750), ("Варна", 43.214, 27.915),
           ("Харманли", 41.928, 25.905), ("Бургас", 42.505, 27.468)],
    "HR": [("Zagreb", 45.805, 15.978), ("Split", 43.508, 16.440), ("Rijeka", 45.327, 14.442),
           ("Osijek", 45.554, 18.695), ("Slavonski Brod", 45.160, 18.016)],
    "CY": [("Λευκωσία", 35.173, 33.365), ("Λεμεσός", 34.684, 33.037),
           ("Λάρνακα", 34.917, 33.636), ("Κοκκινοτριμιθιά", 35.155, 33.215)],
    "GR": [("Αθήνα", 37.984, 23.728), ("Θεσσαλονίκη", 40.632, 22.941), ("Πάτρα", 38.246, 21.735),
           ("Μυτιλήνη", 39.107, 26.555), ("Ειδομένη", 41.124, 22.513),
           ("Ορεστιάδα", 41.503, 26.531)],
    "MD": [("Chișinău", 47.011, 28.863), ("Bălți", 47.762, 27.929), ("Cahul", 45.904, 28.194),
           ("Ungheni", 47.210, 27.800)],
    "ME": [("Podgorica", 42.441, 19.263), ("Budva", 42.286, 18.840), ("Nikšić", 42.773, 18.944),
           ("Bar", 42.093, 19.100)],
    "MK": [("Скопје", 41.998, 21.425), ("Битола", 41.031, 21.335), ("Гевгелија", 41.141, 22.502),
           ("Куманово", 42.132, 21.714)],
    "RO": [("București", 44.447, 26.074), ("Cluj-Napoca", 46.771, 23.624), ("Iași", 47.158, 27.601),
           ("Timișoara", 45.754, 21.226), ("Constanța", 44.173, 28.638)],
    "RS": [("Београд", 44.816, 20.460), ("Нови Сад", 45.251, 19.837), ("Ниш", 43.320, 21.896),
           ("Суботица", 46.100, 19.667), ("Прешево", 42.309, 21.649)],
    "SI": [("Ljubljana", 46.056, 14.506), ("Maribor", 46.554, 15.646), ("Koper", 45.548, 13.730),
           ("Novo mesto", 45.804, 15.169)],
    "TR": [("İstanbul", 41.043, 28.876), ("Ankara", 39.933, 32.860), ("Edirne", 41.677, 26.556),
           ("İzmir", 38.423, 27.142), ("Gaziantep", 37.066, 37.383)],
    "UA": [("Київ", 50.450, 30.523), ("Львів", 49.839, 24.030), ("Одеса", 46.482, 30.723),
           ("Харків", 49.994, 36.230), ("Ізмаїл", 45.351, 28.837)],
}  # fmt: skip


def female_family_name(name: str, country: str) -> str:
    """The feminine form of a masculine family name, where the language inflects it."""
    if country in ("BG", "MK"):
        for male, female in (("ски", "ска"), ("ski", "ska"), ("ов", "ова"), ("ев", "ева"),
                             ("ov", "ova"), ("ev", "eva"), ("in", "ina")):  # fmt: skip
            if name.endswith(male):
                return name[: -len(male)] + female
        return name
    if country in ("GR", "CY"):
        for male, female in (("όπουλος", "οπούλου"), ("ίδης", "ίδου"), ("άδης", "άδου"),
                             ("ης", "η"), ("ής", "ή"), ("ας", "α"), ("άς", "ά"),
                             ("ος", "ου"), ("ός", "ού")):  # fmt: skip
            if name.endswith(male):
                return name[: -len(male)] + female
    return name
