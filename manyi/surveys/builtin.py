"""Built-in questionnaires from the seeds, in the template JSON format (see transfer.py).

- SEED004: 004 §6.1.5 — 14 items in 4 aspects (people, service, product, technology);
- ECSS: ECSS 6.5–6.6 — 5 dimensions, factor → sub-factor → detail question, 1–5 scale;
- SEED003: 003 §4.3.1 — delivery, quality, complaints, comparative competitiveness, service;
- SEED002: 002 §4.1 — function, performance, appearance, delivery, price/value, after-sales,
  points out of each item's maximum (001 §5.3.2 item-percent);
- STAGE-DESIGN / STAGE-PRODUCTION / STAGE-AFTERSALES: 001 ZS/ZY/JY01-1..3 stage forms.
"""

from __future__ import annotations

from typing import Any

Item = dict[str, Any]


def _i(key: str, level: str, zh: str, en: str, scale: str = "verbal", **extra: Any) -> Item:
    return {"key": key, "level": level, "text": zh, "text_en": en, "scale": scale, **extra}


def _dim(key: str, zh: str, en: str, children: list[Item]) -> Item:
    return {**_i(key, "dimension", zh, en, "none"), "children": children}


def _texts() -> list[Item]:
    return [
        _i("OPINION", "text", "您对我公司的意见", "Your opinion of our company", "text"),
        _i("SUGGEST", "text", "您的建议和期望", "Your suggestions and expectations", "text"),
    ]


SEED004: dict[str, Any] = {
    "code": "SEED004",
    "name": "客户满意度调查表（季度）",
    "name_en": "Customer satisfaction survey (quarterly)",
    "source": "004 §6.1.5",
    "competitor_block": True,
    "intro": "感谢您抽出时间填写本调查表。请按您的真实感受评价以下14个项目；"
    "无法评价时请选择“无法评价”。",
    "intro_en": "Thank you for taking the time to answer. Please rate the 14 items below as you "
    "experience them; choose “unable to comment” where you cannot judge.",
    "items": [
        _dim("P", "人员", "People", [
            _i("P1", "factor", "市场人员素质", "Competence of our sales staff"),
            _i("P2", "factor", "工程人员素质", "Competence of our field engineers"),
        ]),
        _dim("S", "服务", "Service", [
            _i("S1", "factor", "响应速度", "Speed of response", competitor=True),
            _i("S2", "factor", "按期交付能力", "On-time delivery", competitor=True),
            _i("S3", "factor", "工程安装", "Installation"),
            _i("S4", "factor", "用户培训", "User training"),
            _i("S5", "factor", "维护保修", "Maintenance and warranty service"),
        ]),
        _dim("R", "产品", "Product", [
            _i("R1", "factor", "产品运行稳定性", "Operating stability of the products",
               competitor=True),
            _i("R2", "factor", "性能指标", "Performance", competitor=True),
            _i("R3", "factor", "产品功能", "Functions", competitor=True),
            _i("R4", "factor", "产品价格", "Price", competitor=True),
        ]),
        _dim("T", "技术", "Technology", [
            _i("T1", "factor", "解决方案", "Solutions offered"),
            _i("T2", "factor", "技术交流效果", "Technical exchanges"),
            _i("T3", "factor", "方案设计", "Solution design"),
        ]),
        *_texts(),
    ],
}


def _f5(key: str, zh: str, en: str, scale: str = "five", **extra: Any) -> Item:
    return _i(key, "factor", zh, en, scale, **extra)


def _s5(key: str, zh: str, en: str, scale: str = "five", **extra: Any) -> Item:
    return _i(key, "subfactor", zh, en, scale, **extra)


def _d5(key: str, zh: str, en: str, scale: str = "five") -> Item:
    return _i(key, "detail", zh, en, scale)


ECSS: dict[str, Any] = {
    "code": "ECSS",
    "name": "外部客户满意度调查（ECSS）",
    "name_en": "External Customer Satisfaction Survey (ECSS)",
    "source": "ECSS 6.5–6.7",
    "competitor_block": False,
    "intro": "尊敬的客户：感谢您一直以来的支持。本调查由总经理办公室发起，约需10分钟。",
    "intro_en": "Dear customer, thank you for your continued support. This survey is sent on "
    "behalf of our CEO and takes about 10 minutes.",
    "items": [
        _dim("GI", "一般印象", "General impression", [
            {**_f5("GI1", "请问您对我公司的整体表现有多满意？",
                   "How satisfied are you with our overall performance?", weight="2"),
             "children": [
                 _s5("GI1a", "您会继续向我公司采购吗？", "Will you continue to buy from us?",
                     "agree"),
                 _s5("GI1b", "您会向他人推荐我公司吗？", "Would you recommend us to others?",
                     "agree"),
             ]},
        ]),
        _dim("TS", "团队及客户服务", "Team and customer service", [
            {**_f5("TS1", "我公司的团队了解您的公司及需求吗？",
                   "Does our team understand your company and its needs?", "agree"),
             "children": [
                 {**_s5("TS1a", "客户服务的响应", "Responsiveness of customer service"),
                  "children": [
                      _d5("TS1a1", "电话及邮件是否在一个工作日内得到回复",
                          "Calls and e-mails answered within one working day"),
                      _d5("TS1a2", "问题是否由同一窗口跟进到底",
                          "One contact follows an issue to its end"),
                  ]},
                 _s5("TS1b", "沟通的主动性", "Proactive communication"),
             ]},
        ]),
        _dim("QU", "品质（包含RoHS）", "Quality (including RoHS)", [
            {**_f5("QU1", "您对我公司产品品质的满意程度",
                   "How satisfied are you with the quality of our products?", weight="2"),
             "children": [
                 _s5("QU1a", "来料检验合格率", "Incoming inspection pass rate"),
                 _s5("QU1b", "RoHS 等环保要求的符合性",
                     "Compliance with RoHS and environmental requirements"),
                 {**_s5("QU1c", "品质问题的处理", "Handling of quality problems"),
                  "children": [
                      _d5("QU1c1", "8D报告是否及时", "8D reports on time"),
                      _d5("QU1c2", "纠正措施是否有效", "Corrective actions are effective"),
                  ]},
             ]},
        ]),
        _dim("SP", "速度", "Speed", [
            {**_f5("SP1", "您对我公司的速度满意吗？", "Are you satisfied with our speed?"),
             "children": [
                 _s5("SP1a", "交货周期", "Delivery lead time"),
                 _s5("SP1b", "样品及新项目的进度", "Samples and new-project schedules"),
                 _s5("SP1c", "询价及技术问题的答复",
                     "Answers to quotations and technical questions"),
             ]},
        ]),
        _dim("VA", "价值", "Value", [
            {**_f5("VA1", "我公司的产品和服务物有所值吗？",
                   "Are our products and services good value?"),
             "children": [
                 _s5("VA1a", "价格竞争力", "Price competitiveness"),
                 _s5("VA1b", "总体拥有成本", "Total cost of ownership"),
             ]},
        ]),
        *_texts(),
    ],
}

SEED003: dict[str, Any] = {
    "code": "SEED003",
    "name": "顾客满意度调查表（要素）",
    "name_en": "Customer satisfaction survey (elements)",
    "source": "003 §4.3.1",
    "competitor_block": False,
    "items": [
        _dim("DL", "准时交付", "On-time delivery", [
            _f5("DL1", "交付准时率", "Deliveries on time"),
            _f5("DL2", "分批交付及额外运费", "Split deliveries and extra freight"),
        ]),
        _dim("QL", "交付产品质量", "Quality of delivered products", [
            _f5("QL1", "交付产品的质量", "Quality of the products delivered"),
        ]),
        _dim("CP", "顾客投诉", "Complaints", [
            _f5("CP1", "投诉（停线、退货、换货等）的处理", "Handling of complaints (line stops, "
                "returns, exchanges)"),
        ]),
        _dim("CO", "比较竞争力", "Comparative competitiveness", [
            {**_f5("CO1", "与竞争对手相比的总体竞争力", "Overall compared with competitors"),
             "children": [
                 _s5("CO1a", "成本", "Cost"),
                 _s5("CO1b", "质量", "Quality"),
                 _s5("CO1c", "交付", "Delivery"),
                 _s5("CO1d", "技术", "Technology"),
             ]},
        ]),
        _dim("SV", "服务满意率", "Service", [
            {**_f5("SV1", "服务的总体评价", "Service overall"), "children": [
                _s5("SV1a", "态度", "Attitude"),
                _s5("SV1b", "速度", "Speed"),
                _s5("SV1c", "反馈", "Feedback"),
                _s5("SV1d", "效率", "Efficiency"),
            ]},
        ]),
        *_texts(),
    ],
}


def _pts(key: str, zh: str, en: str, maximum: int) -> Item:
    return _i(key, "factor", zh, en, "points", max_points=maximum)


SEED002: dict[str, Any] = {
    "code": "SEED002",
    "name": "顾客满意度调查表（百分制）",
    "name_en": "Customer satisfaction survey (100 points)",
    "source": "002 §4.1",
    "competitor_block": False,
    "items": [
        _dim("Q", "已交付产品质量", "Quality of delivered products", [
            _pts("Q1", "产品的功能", "Function", 20),
            _pts("Q2", "产品的性能", "Performance", 20),
            _pts("Q3", "产品的美观性", "Appearance", 10),
        ]),
        _dim("D", "交付", "Delivery", [_pts("D1", "产品交付的及时性", "Timely delivery", 20)]),
        _dim("V", "价格", "Price", [_pts("V1", "产品价格及性价比", "Price and value", 15)]),
        _dim("A", "售后服务", "After-sales service", [
            _pts("A1", "售后服务", "After-sales service", 15),
        ]),
        *_texts(),
    ],
}


def _stage(
    code: str, zh: str, en: str, source: str, items: list[tuple[str, str]]
) -> dict[str, Any]:
    factors = [
        _i(f"{code[6]}{n}", "factor", z, e) for n, (z, e) in enumerate(items, start=1)
    ]
    return {
        "code": code,
        "name": zh,
        "name_en": en,
        "source": source,
        "competitor_block": False,
        "items": [_dim("ST", zh, en, factors), *_texts()],
    }


STAGE_DESIGN = _stage(
    "STAGE-DESIGN", "勘察、设计过程中顾客满意度测评表",
    "Satisfaction during survey and design", "001 ZS/ZY/JY01-1",
    [("设计输入：对您明确和潜在期望的了解", "Design input: understanding of your stated and "
      "implied expectations"),
     ("设计输出：产品性能和特性满足要求", "Design output: performance and characteristics "
      "meet your requirements"),
     ("设计验证：使用寿命和维护要求", "Design verification: service life and maintenance"),
     ("设计确认：总体满意程度", "Design validation: overall satisfaction")],
)
STAGE_PRODUCTION = _stage(
    "STAGE-PRODUCTION", "产品生产过程中顾客满意度测评表",
    "Satisfaction during production", "001 ZS/ZY/JY01-2",
    [("施工组织设计的编制与报审", "Preparation and approval of the execution plan"),
     ("施工组织设计的实施", "Execution of the plan"),
     ("过程中的沟通", "Communication during the work"),
     ("产品交付", "Handover of the product")],
)
STAGE_AFTERSALES = _stage(
    "STAGE-AFTERSALES", "产品售后服务过程中顾客满意度测评表",
    "Satisfaction with after-sales service", "001 ZS/ZY/JY01-3",
    [("投诉的响应速度", "Speed of response to complaints"),
     ("措施的有效性", "Effectiveness of the measures taken"),
     ("回访", "Follow-up calls"),
     ("服务人员的态度", "Attitude of the service staff")],
)

BUILTIN: tuple[dict[str, Any], ...] = (
    SEED004, ECSS, SEED003, SEED002, STAGE_DESIGN, STAGE_PRODUCTION, STAGE_AFTERSALES,
)
