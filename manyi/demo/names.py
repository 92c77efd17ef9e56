"""Word lists for the demo data: places, company words, personal names, catalogue.

Everything here is fiction. Company names are built from a city, a trade name (字号) and an
industry; any likeness to a real company is chance. E-mail domains all end in `.example.cn`
(reserved-style, never a real mailbox). Phone numbers have the right shape only.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple


class Area(NamedTuple):
    province: str
    city: str
    area_code: str  # telephone area code
    slug: str  # for e-mail domains
    districts: tuple[str, ...]


# Cities each branch office covers (branch office code → areas). The first area is the
# office's own city and gets the most customers.
OFFICE_AREAS: dict[str, tuple[Area, ...]] = {
    "BO-SH": (
        Area("上海市", "上海市", "021", "sh",
             ("浦东新区", "闵行区", "嘉定区", "松江区", "青浦区", "宝山区", "奉贤区")),
    ),
    "BO-HZ": (
        Area("浙江省", "杭州市", "0571", "hz", ("余杭区", "萧山区", "滨江区", "临平区")),
        Area("浙江省", "宁波市", "0574", "nb", ("北仑区", "鄞州区", "慈溪市")),
        Area("浙江省", "嘉兴市", "0573", "jx", ("南湖区", "秀洲区", "海宁市")),
        Area("浙江省", "温州市", "0577", "wz", ("鹿城区", "瓯海区", "乐清市")),
    ),
    "BO-NJ": (
        Area("江苏省", "南京市", "025", "nj", ("江宁区", "浦口区", "栖霞区")),
        Area("江苏省", "苏州市", "0512", "suz", ("工业园区", "吴中区", "昆山市", "相城区")),
        Area("江苏省", "无锡市", "0510", "wx", ("新吴区", "滨湖区", "江阴市")),
        Area("江苏省", "常州市", "0519", "cz", ("武进区", "新北区")),
    ),
    "BO-GZ": (
        Area("广东省", "广州市", "020", "gz", ("番禺区", "黄埔区", "白云区", "花都区")),
        Area("广东省", "佛山市", "0757", "fs", ("顺德区", "南海区", "禅城区")),
        Area("广东省", "东莞市", "0769", "dg", ("松山湖", "长安镇", "虎门镇", "塘厦镇")),
        Area("广东省", "中山市", "0760", "zs", ("火炬开发区", "小榄镇")),
    ),
    "BO-SZ": (
        Area("广东省", "深圳市", "0755", "sz", ("宝安区", "龙岗区", "南山区", "光明区", "龙华区")),
        Area("广东省", "惠州市", "0752", "huiz", ("惠城区", "仲恺高新区")),
        Area("广东省", "珠海市", "0756", "zh", ("香洲区", "金湾区")),
    ),
    "BO-BJ": (
        Area("北京市", "北京市", "010", "bj", ("海淀区", "昌平区", "大兴区", "顺义区", "亦庄")),
        Area("河北省", "廊坊市", "0316", "lf", ("广阳区", "固安县")),
        Area("河北省", "保定市", "0312", "bd", ("竞秀区", "高新区")),
    ),
    "BO-TJ": (
        Area("天津市", "天津市", "022", "tj", ("滨海新区", "西青区", "武清区", "东丽区")),
        Area("河北省", "唐山市", "0315", "ts", ("路北区", "丰润区")),
        Area("河北省", "石家庄市", "0311", "sjz", ("长安区", "裕华区", "栾城区")),
    ),
    "BO-CD": (
        Area("四川省", "成都市", "028", "cd", ("高新区", "龙泉驿区", "郫都区", "双流区")),
        Area("重庆市", "重庆市", "023", "cq", ("渝北区", "九龙坡区", "两江新区")),
        Area("四川省", "绵阳市", "0816", "my", ("涪城区", "游仙区")),
    ),
    "BO-XA": (
        Area("陕西省", "西安市", "029", "xa", ("雁塔区", "未央区", "长安区", "高新区")),
        Area("陕西省", "宝鸡市", "0917", "baoj", ("渭滨区", "金台区")),
        Area("甘肃省", "兰州市", "0931", "lz", ("城关区", "七里河区")),
    ),
}

# Share of customers per branch office (relative weights).
OFFICE_WEIGHTS: dict[str, int] = {
    "BO-SH": 16, "BO-HZ": 10, "BO-NJ": 11, "BO-GZ": 12, "BO-SZ": 14,
    "BO-BJ": 12, "BO-TJ": 7, "BO-CD": 10, "BO-XA": 8,
}

# Share of customers per business unit (relative weights).
BU_WEIGHTS: dict[str, int] = {"BU-PWR": 50, "BU-CTL": 35, "BU-SVC": 15}

ROADS: tuple[str, ...] = (
    "工业园路", "科技大道", "创业路", "高新二路", "兴业街", "发展大道", "东环路", "学府路",
    "振兴路", "长江路", "黄河路", "环城北路", "经济开发区纬三路", "兴园路", "迎宾大道",
    "产业园一路", "新城大道", "光明路", "民营科技园路", "滨河路",
)
BUILDINGS: tuple[str, ...] = ("", "", "", "1号厂房", "2号楼", "A栋", "B座3楼", "科技园5号楼")

# Trade names (字号) are two characters, one from each list (pinyin for the e-mail domain):
# 60 × 40 names × 24 industries × 2 suffixes leaves room for 20 000 unique company names.
TRADE_FIRST: tuple[tuple[str, str], ...] = (
    ("华", "hua"), ("恒", "heng"), ("鼎", "ding"), ("金", "jin"), ("瑞", "rui"), ("宏", "hong"),
    ("天", "tian"), ("新", "xin"), ("远", "yuan"), ("国", "guo"), ("联", "lian"), ("永", "yong"),
    ("海", "hai"), ("博", "bo"), ("凯", "kai"), ("精", "jing"), ("众", "zhong"), ("立", "li"),
    ("宇", "yu"), ("汇", "hui"), ("同", "tong"), ("德", "de"), ("东", "dong"), ("中", "zhong"),
    ("科", "ke"), ("明", "ming"), ("兴", "xing"), ("长", "chang"), ("荣", "rong"), ("鑫", "xin"),
    ("嘉", "jia"), ("正", "zheng"), ("万", "wan"), ("伟", "wei"), ("盛", "sheng"), ("晨", "chen"),
    ("蓝", "lan"), ("启", "qi"), ("安", "an"), ("泰", "tai"), ("信", "xin"), ("卓", "zhuo"),
    ("亿", "yi"), ("力", "li"), ("广", "guang"), ("诚", "cheng"), ("合", "he"), ("聚", "ju"),
    ("优", "you"), ("腾", "teng"), ("昌", "chang"), ("星", "xing"), ("振", "zhen"), ("大", "da"),
    ("鸿", "hong"), ("奥", "ao"), ("云", "yun"), ("开", "kai"), ("诺", "nuo"), ("维", "wei"),
)
TRADE_SECOND: tuple[tuple[str, str], ...] = (
    ("通", "tong"), ("信", "xin"), ("盛", "sheng"), ("桥", "qiao"), ("丰", "feng"), ("达", "da"),
    ("成", "cheng"), ("源", "yuan"), ("航", "hang"), ("泰", "tai"), ("创", "chuang"), ("安", "an"),
    ("川", "chuan"), ("远", "yuan"), ("工", "gong"), ("合", "he"), ("能", "neng"), ("科", "ke"),
    ("瑞", "rui"), ("兴", "xing"), ("邦", "bang"), ("鹏", "peng"), ("禾", "he"), ("阳", "yang"),
    ("业", "ye"), ("光", "guang"), ("辉", "hui"), ("宇", "yu"), ("拓", "tuo"), ("纳", "na"),
    ("飞", "fei"), ("运", "yun"), ("帆", "fan"), ("特", "te"), ("威", "wei"), ("诚", "cheng"),
    ("和", "he"), ("峰", "feng"), ("晟", "sheng"), ("德", "de"),
)

# Industries of direct customers: (words, e-mail abbreviation).
INDUSTRIES: tuple[tuple[str, str], ...] = (
    ("电气", "dq"), ("自动化", "zdh"), ("机电", "jd"), ("电子科技", "dzkj"),
    ("智能装备", "znzb"), ("新能源", "xny"), ("照明", "zm"), ("通信设备", "txsb"),
    ("医疗器械", "ylqx"), ("轨道交通设备", "gdjt"), ("储能科技", "cnkj"), ("仪器仪表", "yqyb"),
    ("工业控制", "gykz"), ("电力设备", "dlsb"), ("环保设备", "hbsb"), ("机器人", "jqr"),
    ("光电", "gdian"), ("充电设备", "cdsb"), ("安防科技", "afkj"), ("精密机械", "jmjx"),
    ("数控设备", "sksb"), ("电梯", "dt"), ("包装机械", "bzjx"), ("半导体设备", "bdt"),
)
# Industries of dealers and agents.
TRADE_INDUSTRIES: tuple[tuple[str, str], ...] = (
    ("电气设备", "dqsb"), ("贸易", "my"), ("商贸", "sm"), ("工控技术", "gkjs"),
    ("供应链管理", "gyl"), ("机电设备", "jdsb"), ("电子元器件", "dzyqj"),
)
COMPANY_SUFFIXES: tuple[str, ...] = ("有限公司",) * 3 + ("股份有限公司",)

# Fictional competitors (竞争对手) named in the customer archive.
COMPETITORS: tuple[str, ...] = (
    "华昇电源", "正科控制", "远东电气", "明光电源", "新锐驱动", "德尔科技", "信邦自动化",
    "科能电子",
)

# Surnames with pinyin; the first ones are the most frequent (they appear twice).
SURNAMES: tuple[tuple[str, str], ...] = (
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"),
    ("杨", "yang"), ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"),
) * 2 + (
    ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"), ("胡", "hu"), ("郭", "guo"),
    ("何", "he"), ("高", "gao"), ("林", "lin"), ("罗", "luo"), ("郑", "zheng"), ("梁", "liang"),
    ("谢", "xie"), ("宋", "song"), ("唐", "tang"), ("许", "xu"), ("韩", "han"), ("冯", "feng"),
    ("邓", "deng"), ("曹", "cao"), ("彭", "peng"), ("曾", "zeng"), ("肖", "xiao"), ("田", "tian"),
    ("董", "dong"), ("袁", "yuan"), ("潘", "pan"), ("蒋", "jiang"), ("蔡", "cai"), ("余", "yu"),
    ("杜", "du"), ("叶", "ye"), ("程", "cheng"), ("苏", "su"), ("魏", "wei"), ("吕", "lv"),
    ("丁", "ding"), ("任", "ren"), ("沈", "shen"), ("姚", "yao"), ("卢", "lu"), ("姜", "jiang"),
    ("崔", "cui"), ("钟", "zhong"), ("谭", "tan"), ("陆", "lu"), ("汪", "wang"), ("范", "fan"),
    ("金", "jin"), ("石", "shi"), ("廖", "liao"), ("贾", "jia"), ("夏", "xia"), ("方", "fang"),
    ("邹", "zou"), ("熊", "xiong"), ("秦", "qin"), ("邱", "qiu"), ("顾", "gu"), ("龚", "gong"),
)

# Characters of given names with pinyin.
GIVEN_CHARS: tuple[tuple[str, str], ...] = (
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"),
    ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"), ("勇", "yong"), ("艳", "yan"),
    ("杰", "jie"), ("娟", "juan"), ("涛", "tao"), ("明", "ming"), ("超", "chao"), ("秀", "xiu"),
    ("霞", "xia"), ("平", "ping"), ("刚", "gang"), ("英", "ying"), ("华", "hua"), ("玉", "yu"),
    ("兰", "lan"), ("辉", "hui"), ("建", "jian"), ("国", "guo"), ("志", "zhi"), ("文", "wen"),
    ("斌", "bin"), ("鹏", "peng"), ("宇", "yu"), ("浩", "hao"), ("凯", "kai"), ("峰", "feng"),
    ("晨", "chen"), ("欣", "xin"), ("怡", "yi"), ("婷", "ting"), ("雪", "xue"), ("琳", "lin"),
    ("海", "hai"), ("波", "bo"), ("晓", "xiao"), ("东", "dong"), ("红", "hong"), ("飞", "fei"),
    ("亮", "liang"), ("俊", "jun"), ("佳", "jia"), ("慧", "hui"), ("思", "si"), ("子", "zi"),
    ("嘉", "jia"), ("梦", "meng"), ("雨", "yu"), ("振", "zhen"), ("永", "yong"), ("春", "chun"),
)

ENGLISH_FIRST_NAMES: tuple[str, ...] = (
    "David", "Michael", "Sarah", "Emma", "Thomas", "Anna", "Peter", "Laura", "James", "Julia",
    "Kevin", "Linda", "Mark", "Susan", "Daniel", "Nina", "Robert", "Karen", "Stefan", "Claire",
)
ENGLISH_LAST_NAMES: tuple[str, ...] = (
    "Miller", "Schmidt", "Johnson", "Wagner", "Brown", "Fischer", "Taylor", "Martin", "Weber",
    "Wilson", "Becker", "Davies", "Moreau", "Evans", "Hoffmann", "Clarke",
)

MOBILE_PREFIXES: tuple[str, ...] = (
    "133", "135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "177", "180",
    "181", "186", "187", "188", "189",
)

# Job titles per contact function: (Chinese, English).
TITLES: dict[str, tuple[tuple[str, str], ...]] = {
    "gm": (("总经理", "General Manager"), ("副总经理", "Deputy General Manager"),
           ("总裁", "President")),
    "product_manager": (("产品经理", "Product Manager"), ("项目协调", "Project Coordinator"),
                        ("研发经理", "R&D Manager")),
    "quality": (("品质经理", "Quality Manager"), ("质检主管", "QC Supervisor"),
                ("IQC 工程师", "IQC Engineer")),
    "purchasing": (("采购经理", "Purchasing Manager"), ("采购专员", "Buyer"),
                   ("供应链经理", "Supply Chain Manager")),
    "marketing": (("市场部经理", "Marketing Manager"), ("产品规划", "Product Planner")),
    "user": (("设备工程师", "Equipment Engineer"), ("维修主管", "Maintenance Supervisor"),
             ("技术员", "Technician")),
}

# Chance that a contact of a function decides on buying (A) or takes part (B); the rest is C.
DECISION_ODDS: dict[str, tuple[float, float]] = {
    "gm": (0.80, 0.20),
    "purchasing": (0.30, 0.60),
    "product_manager": (0.15, 0.65),
    "quality": (0.05, 0.65),
    "marketing": (0.10, 0.55),
    "user": (0.0, 0.15),
}


class LineSpec(NamedTuple):
    code: str
    name: str
    bu: str
    quantity: tuple[int, int]  # usual order quantity range
    lead_days: tuple[int, int]  # promised delivery lead time


PRODUCT_LINES: tuple[LineSpec, ...] = (
    LineSpec("PL-ACDC", "工业开关电源", "BU-PWR", (50, 2000), (10, 25)),
    LineSpec("PL-DCDC", "DC-DC 模块电源", "BU-PWR", (100, 3000), (15, 30)),
    LineSpec("PL-CHG", "充电模块", "BU-PWR", (5, 120), (20, 45)),
    LineSpec("PL-PLC", "可编程控制器", "BU-CTL", (20, 500), (10, 30)),
    LineSpec("PL-VFD", "变频器", "BU-CTL", (5, 200), (10, 30)),
    LineSpec("PL-HMI", "人机界面", "BU-CTL", (10, 300), (10, 25)),
    LineSpec("PL-SYS", "电源系统集成", "BU-SVC", (1, 6), (30, 60)),
    LineSpec("PL-MNT", "维保服务", "BU-SVC", (1, 3), (7, 14)),
)


def products_of(line: str) -> list[tuple[str, str, str]]:
    """The catalogue of one product line: (model, Chinese name, specification)."""
    out: list[tuple[str, str, str]] = []
    if line == "PL-ACDC":
        for watts in (60, 100, 150, 240, 480, 960):
            for vout in (12, 24, 48):
                amps = watts / vout
                eff = 86 if watts < 150 else 91 if watts < 480 else 93
                out.append((
                    f"PS-{watts * 10:04d}-{vout}",
                    f"{watts}W {vout}V 工业开关电源",
                    f"输入 AC 85–264 V；输出 DC {vout} V / {amps:.1f} A；效率 ≥ {eff} %；"
                    "工作温度 -25~+70 °C；RoHS",
                ))
    elif line == "PL-DCDC":
        for watts in (5, 10, 20, 50):
            for vin, vout in ((24, 5), (24, 12), (48, 12)):
                out.append((
                    f"DM{watts:02d}-{vin}S{vout:02d}",
                    f"{watts}W DC-DC 模块电源 {vin}V→{vout}V",
                    f"输入 DC {vin} V（2:1 宽压）；输出 {vout} V；隔离 1500 VDC；RoHS",
                ))
    elif line == "PL-CHG":
        for kw in (15, 20, 30, 40):
            out.append((
                f"CM-{kw * 100:04d}",
                f"{kw} kW 直流充电模块",
                f"输入 AC 380 V 三相；输出 DC 200–1000 V；{kw} kW；效率 ≥ 95.5 %",
            ))
    elif line == "PL-PLC":
        for series, io in ((1, 16), (1, 32), (2, 64), (3, 128)):
            out.append((
                f"MC-{series}{io:03d}",
                f"{io} 点可编程控制器",
                f"{io} 点 I/O；以太网 / RS-485；DC 24 V 供电；IEC 61131-3",
            ))
    elif line == "PL-VFD":
        for vf_code, vf_kw in (("0R75", "0.75"), ("1R5", "1.5"), ("2R2", "2.2"), ("5R5", "5.5"),
                               ("011", "11"), ("022", "22"), ("045", "45")):
            out.append((
                f"VF-4T{vf_code}",
                f"{vf_kw} kW 通用变频器",
                f"三相 AC 380 V；{vf_kw} kW；矢量控制；内置 EMC 滤波器",
            ))
    elif line == "PL-HMI":
        for inch in (7, 10, 15):
            out.append((
                f"HM-{inch * 10:03d}",
                f"{inch} 英寸触摸屏人机界面",
                f"{inch} 英寸 TFT；1024×600；以太网 + 2×串口；IP65 前面板",
            ))
    elif line == "PL-SYS":
        out += [
            ("SI-48V-300", "通信电源系统 48V/300A", "19 英寸机架；N+1 冗余整流模块；监控单元"),
            ("SI-DC220", "直流电源屏 220V", "变电站用；阀控铅酸电池组；绝缘监测"),
            ("SI-EPS-30", "30 kVA 应急电源柜", "市电/逆变切换 ≤ 0.2 s；消防认证"),
        ]
    elif line == "PL-MNT":
        out += [
            ("SV-1Y", "年度维保服务包", "每年 2 次巡检；48 小时到场；备件优惠"),
            ("SV-3Y", "三年维保服务包", "每年 4 次巡检；24 小时到场；含易损件"),
            ("SV-OS", "现场技术服务", "按人天计；安装调试、培训"),
        ]
    return out


# Spring Festival (春节) by year; orders dip around it.
SPRING_FESTIVAL: dict[int, date] = {
    2018: date(2018, 2, 16), 2019: date(2019, 2, 5), 2020: date(2020, 1, 25),
    2021: date(2021, 2, 12), 2022: date(2022, 2, 1), 2023: date(2023, 1, 22),
    2024: date(2024, 2, 10), 2025: date(2025, 1, 29), 2026: date(2026, 2, 17),
    2027: date(2027, 2, 6), 2028: date(2028, 1, 26), 2029: date(2029, 2, 13),
    2030: date(2030, 2, 3), 2031: date(2031, 1, 23), 2032: date(2032, 2, 11),
    2033: date(2033, 1, 31), 2034: date(2034, 2, 19), 2035: date(2035, 2, 8),
}
